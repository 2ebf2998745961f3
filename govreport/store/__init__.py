"""Layer 2, the store: a dataset directory on disk and in memory.

May import :mod:`govreport.core`. Reading and writing CSV (with file, line and column in every error),
the Parquet cache, narratives, atomic writes under the dataset's lock, the wide matrices shared by the checks
and the statistics, and the one per-process cache mechanism.

Module map
----------
``textfile``       text files as Excel or a mirror saved them (encodings, BOM); atomic writes
``paths``          output paths that stay inside their folder; safe file names; leftovers of killed runs
``csvstore``       reading and validating each CSV file of a dataset
``dataset_files``  a dataset directory as validated tidy frames, the Parquet cache, the writer's lock
``frames``         conversions between a ``Report`` and the tidy rows
``narrative``      ``narratives/<agency>/<year>.md``
``update``         adding reports to a dataset, all or nothing
``dataset``        ``Dataset`` and ``load()``: the tidy frames and single reports
``matrix``         the figures as wide numpy matrices, one row per agency-year
``cache``          the one cache mechanism: values derived from a dataset or frame; loaded datasets
``provenance``     what every output records: version, input hash, notebook hash, parameters
"""
