"""A request's JSON body, parsed once: the input check (crossover.web.input) parses it before any
view runs and leaves the value here; the API's argument parser (crossover.web.api) reads it back
instead of parsing the same bytes again."""

PARSED_JSON_KEY = "crossover.parsed_json"  # in the request's WSGI environ: one per request
NOT_PARSED = object()


def keep(environ: dict, value) -> None:
    """Keep the parsed JSON body of the request whose environ this is."""
    environ[PARSED_JSON_KEY] = value


def kept(environ: dict):
    """The request's JSON body as kept, or NOT_PARSED."""
    return environ.get(PARSED_JSON_KEY, NOT_PARSED)
