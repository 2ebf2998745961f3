"""Layer 5, the analysis: statistics, cross-agency comparison, open-data export, synthetic datasets.

May import :mod:`govreport.core`, :mod:`govreport.store`, :mod:`govreport.readers` and :mod:`govreport.checks`.
Pure computation over the tidy frames and matrices; nothing here writes HTML.

Module map
----------
``stats``          statistics over any number of agency-years, vectorised
``stats_cells``    the statistics' array kernels: Table 3/4 blocks from the cell matrices, sums of parts, ranks
``compare``        the comparison's parameters, scope and frames
``compare_parts``  the comparison's building blocks: parameter text, regions and areas, finding counts
``export``         the dataset as open data with a data dictionary derived from the schema
``synth``          synthetic datasets, labelled as made up, generated into a folder of their own
``synth_vocab``    the generator's constants: made-up agencies, Table 3/4 mixes, labels, cell positions
``synth_gen``      the generator: every array of a synthetic dataset
``synth_perturb``  known inconsistencies for ``broken=K``
``synth_text``     the narratives of synthetic reports
"""
