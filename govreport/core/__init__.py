"""Layer 1, the core: what an annual report *is*, declared as data, with no I/O.

Imports nothing else of govreport (only the standard library, numpy and pandas, lazily).

Module map
----------
``formats``          the official formats (2019 trial, 2021) as frozen data: parts, tables, rows, columns, labels;
                     groups and totals derived from the declared hierarchy
``values``           a figure: a number, a blank or 不适用 (``Figure``, ``Mark``), parsing and printing
``model``            one agency-year: ``Agency``, ``Report``, ``TableData``, ``Section``, ``Proactive``
``channels``         the disclosure-channel taxonomy and the alias table of labels as written
``schema``           the one declaration language (``Field``, ``Kind``, ``Choice``): the dataset's CSV files
                     (columns, kinds, keys), and the inputs of the Excel template derived from them
``template_schema``  the data-entry template's blocks: titles, grid, inputs (``Field.entry`` of CSV columns)
``report_text``      the report's text as data: official headings, topics, standard sentences, the skeleton
``labelled``         the official tables as labelled pandas DataFrames (values and status)
``numerals``         Chinese numerals both ways (``四十二`` ↔ 42)
``keys``             the one integer key of an agency-year and a vectorised index of keys
``ids``              the one definition of an agency id
``years``            the one parser of year selections (``2019-2021``, ``2019—2021``, ``2019,2021``)
``errors``           the root exception ``GovreportError`` and its structured subclasses
"""
