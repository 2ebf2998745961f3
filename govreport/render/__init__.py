"""Layer 6, the renderers: everything a person reads, one renderer per output format.

May import every layer below (core, store, readers, checks, analysis). Tables and charts, the report's
pieces for the notebook, Word and the official-layout PDF, the nbconvert HTML export, the Jupyter displays,
the batch index page and the Excel template. Templates, stylesheets and scripts are files in ``templates/``,
``static/`` and ``official/``.

Module map
----------
``tables``            immutable table layouts and the one HTML table renderer
``charts``            the channel-distribution chart (deterministic SVG)
``compare_charts``    the comparison's charts
``markup``            escaping and the narrative Markdown renderer
``document``          the pieces of an annual report as displayable objects (publication and reviewer copies)
``compare_document``  the pieces of the comparison
``docspec``           the publication copy as a flat list of typed blocks, for the print renderers
``docx``              report.docx in the official layout (GB/T 9704-2012)
``official_pdf``      report.pdf in the official layout, typeset by Typst
``html``              nbconvert export of the executed notebook
``display``           ``_repr_html_`` for JupyterLab
``index_page``        ``reports_out/index.html`` of a batch
``xlsx_template``     the Excel data-entry template
``fonts``             the Noto CJK faces for matplotlib and Chromium
"""
