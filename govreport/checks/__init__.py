"""Layer 4, the checks: the consistency rules declared as data, and the one engine that runs them.

May import :mod:`govreport.core`, :mod:`govreport.store` and :mod:`govreport.readers` (rule N2 reads the
figures a report's text states). Every finding of every rule is collected in one pass.

Module map
----------
``rules``   every rule (R1–R13, F, C, M, N …) as data: id, severity, reason code, message
``engine``  the vectorised engine, the registered check kinds, selection, and ``CheckResult``
"""
