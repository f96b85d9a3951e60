from kindred.core.testing.walk import Route

ROUTES = [
    Route("audit:list", allowed={"coordinator", "admin", "outsider"}),
    Route("audit:export", allowed={"coordinator", "admin", "outsider"}),
]
