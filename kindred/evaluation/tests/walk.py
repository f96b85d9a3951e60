from kindred.core.testing.walk import Route

READERS = {"coordinator", "supervisor", "evaluator", "outsider"}  # the current program's report
EXPORTERS = {"coordinator", "outsider"}
DEIDENTIFIED = {"coordinator", "evaluator", "outsider"}
PERIOD = "start=2026-01-01&end=2026-06-30"

ROUTES = [
    Route("evaluation:report", allowed=READERS, query=PERIOD),
    Route("evaluation:report_pdf", allowed=READERS, query=PERIOD),
    Route("evaluation:exports", allowed=DEIDENTIFIED),
    Route("evaluation:encounters_csv", allowed=EXPORTERS, query=PERIOD),
    Route("evaluation:encounters_xlsx", allowed=EXPORTERS, query=PERIOD),
    Route("evaluation:matches_csv", allowed=EXPORTERS, query=PERIOD),
    Route("evaluation:matches_xlsx", allowed=EXPORTERS, query=PERIOD),
    Route("evaluation:network_csv", allowed=EXPORTERS, query="year=2026&quarter=2"),
    Route("evaluation:deidentified_csv", allowed=DEIDENTIFIED, query=PERIOD),
]
