"""Render every agency-year of a dataset: scheduling, incremental state, the index page.

Module map
----------
``runner``          :func:`~.runner.run_batch` — plan, render what is not current, write ``index.html`` and
                    ``batch.json`` (what ``govreport batch`` runs)
``plan``            selection, the inputs' hashes in bulk (equal to ``Dataset.report_hash``), the skip decision
                    against each agency-year's ``provenance.json``
``state``           the output directory's lock, leftovers of a killed run, ``batch.json``
``server``          a warm batch worker process (its own Chromium; each report in a fork of it) and the
                    parent's handle on it; forked locally, spawned on Dask workers
``local``           the local scheduler: a pool of forked warm workers, one report at a time each (plus one
                    executing ahead)
``dask_scheduler``  the same batch on a ``dask.distributed`` cluster (a worker plugin keeps warm workers)
``progress``        tqdm on a terminal, plain lines otherwise
``index_page``      the self-contained, sortable and filterable index with the coverage view

Importing this package is cheap; the command imports the modules (and pandas, papermill, Playwright) on use.
"""
