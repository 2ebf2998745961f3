"""Layer 5, the analysis: statistics, cross-agency comparison, open-data export, synthetic datasets.

May import :mod:`govreport.core`, :mod:`govreport.store`, :mod:`govreport.readers` and :mod:`govreport.checks`.
Pure computation over the tidy frames and matrices; nothing here writes HTML.

Module map
----------
``stats``    statistics over any number of agency-years, vectorised
``compare``  the comparison's parameters, scope and frames
``export``   the dataset as open data with a data dictionary derived from the schema
``synth``    synthetic datasets, labelled as made up, generated into a folder of their own
"""
