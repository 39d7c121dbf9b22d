"""Messages of the API's schemas and services, as pages show them: translated, naming fields
by their visible label.

The API answers in English with field keys (clients match on them). Pages reuse the same
schemas and services, so instead of patching each message this module translates them in
one place: every field key maps to the label its form shows, and each standard message
(marshmallow's and our services') is matched by a pattern and re-worded through Babel.
A message no pattern knows is passed through gettext, then shown as it is.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crossover.web import labels
from crossover.web.ui import label

# The label each form shows for a field key (dotted for nested schemas).
FIELD_LABELS = {
    "title": _l("Title"),
    "initiative_id": _l("Initiative"),
    "instrument_id": _l("Questionnaire"),
    "format": _l("Format"),
    "planned_n": _l("Planned pairs (n)"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "followup_days": _l("Follow-ups (days after the end, comma-separated)"),
    "eligibility.age_bands": _l("Age band"),
    "eligibility.career_phases": _l("Career phase"),
    "preregistration.outcome": _l("Primary outcome"),
    "preregistration.direction": _l("Expected direction"),
    "preregistration.alpha": _l("Alpha"),
    "preregistration.test": _l("Primary test"),
    "preregistration.min_dz": _l("Smallest effect of interest (dz)"),
    "age_band": _l("Age band"),
    "career_phase": _l("Career phase"),
    "consent": _l("Consent"),
    "arm": _l("Arm"),
    "email": _l("E-mail"),
    "file": _l("CSV file"),
    "opens_on": _l("Opens"),
    "closes_on": _l("Closes"),
    "held_on": _l("Held on"),
    "minutes": _l("Minutes"),
    "mode": _l("Mode"),
    "topics": _l("Topics (comma-separated)"),
    "name": _l("Name"),
    "capacity": _l("Capacity (participants at once)"),
    "expertise": _l("Expertise (comma-separated)"),
    "languages": _l("Languages"),
    "status": _l("Status"),
    "label": _l("Round label"),
    "employee_ref": _l("Employee ID (employee_ref)"),
    "tenure_band": _l("Years of service"),
    "unit": _l("Unit"),
    "engagement": _l("Engagement score"),
    "scale": _l("What to work on"),
    "item": _l("What to work on"),
    "note": _l("Why this, and what you hope for"),
    "what": _l("What"),
    "who": _l("Who"),
}

_LIST_INDEX = re.compile(r"\.\d+$")
_LINE = re.compile(r"line (\d+)")


def field_label(key: str) -> str:
    """The visible label of an error key: 'followup_days.1' → the follow-ups label,
    'line 2' → 'Line 2' (CSV uploads); an unknown key is shown as it is."""
    if line := _LINE.fullmatch(key):
        return _("line %(n)s", n=line.group(1))
    plain = _LIST_INDEX.sub("", key)
    found = FIELD_LABELS.get(plain) or FIELD_LABELS.get(plain.rsplit(".", 1)[-1])
    return str(found) if found is not None else key


# (pattern over the English message, translated wording); groups named `field` are field
# keys and become labels, other groups are passed on as they are.
_PATTERNS = [
    (r"Not a valid integer\.", _l("Enter a whole number.")),
    (r"Not a valid number\.", _l("Enter a number.")),
    (r"Not a valid date\.", _l("Enter a date.")),
    (r"Not a valid boolean\.", _l("Choose yes or no.")),
    (r"Not a valid email address\.", _l("Enter a valid e-mail address.")),
    (r"Not a valid list\.", _l("Enter a list.")),
    (r"Missing data for required field\.", _l("Required.")),
    (r"Field may not be null\.", _l("Required.")),
    (r"Required\.", _l("Required.")),
    (r"Unknown field\.", _l("Not a field of this form.")),
    (
        r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
        _l("Enter a value from %(min)s to %(max)s."),
    ),
    (r"Must be greater than or equal to (?P<min>\S+)\.", _l("Enter %(min)s or more.")),
    (r"Must be less than or equal to (?P<max>\S+)\.", _l("Enter %(max)s or less.")),
    (
        r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.",
        _l("Enter %(min)s to %(max)s characters."),
    ),
    (r"Shorter than minimum length (?P<min>\d+)\.", _l("Enter at least %(min)s characters.")),
    (r"Longer than maximum length (?P<max>\d+)\.", _l("Enter at most %(max)s characters.")),
    (r"Must be one of: .*\.", _l("Choose one of the listed options.")),
    (r"Must not be before (?P<field>\w+)\.", _l("Must not be before %(field)s.")),
    (r"Must not be in the future\.", _l("Must not be in the future.")),
    (
        r"Must not be before the pilot's start \((?P<date>[0-9-]+)\)\.",
        _l("Must not be before the pilot's start (%(date)s)."),
    ),
    (
        r"A session belongs to the pilot's period\.",
        _l("A session must fall within the pilot's period."),
    ),
    (
        r"Must be between (?P<min>\d+) and (?P<max>\d+)\.",
        _l("Must be between %(min)s and %(max)s."),
    ),
    (r"Dates out of order\.", _l("Dates out of order.")),
    (
        r"A session is logged after it is held\.",
        _l("A session can only be logged once it has been held."),
    ),
    (
        r"Unknown (?P<kind>age band|career phase|arm) '(?P<value>[^']*)'; "
        r"valid codes: (?P<codes>.*)\.",
        _l("“%(value)s” is not one of the options. Valid codes: %(codes)s."),
    ),
    (
        r"Unknown (?:age band|career phase|arm) '?(?P<value>[^']*)'?\.",
        _l("“%(value)s” is not one of the options."),
    ),
    (
        r"The primary outcome is not one of the questionnaire's outcomes\.",
        _l("The primary outcome must be the total or a subscale of the chosen questionnaire."),
    ),
    (r"Use one of the outcomes: (?P<outcomes>.*)\.", _l("Choose one of: %(outcomes)s.")),
    (
        r"(?:Age band|Career phase) (?P<value>\S+) is not eligible for this pilot "
        r"\(eligible: (?P<allowed>.*)\)\.",
        _l("%(value)s is not eligible for this pilot (eligible: %(allowed)s)."),
    ),
    (r"Consent is required to enrol\.", _l("Consent is required to enrol.")),
    (r"This pilot has no comparison arm\.", _l("This pilot has no comparison arm.")),
    (
        r"'(?P<value>.*)' is not a valid e-mail address\.",
        _l("“%(value)s” is not a valid e-mail address."),
    ),
    (r"Not eligible for this pilot: .*", _l("Not eligible for this pilot.")),
    (
        r"(?P<n>\d+) row\(s\) have errors; nobody was enrolled\.",
        _l("%(n)s row(s) have errors; nobody was enrolled."),
    ),
    # company survey rosters and engagement scores
    (r"Unknown tenure band '?(?P<value>[^']*)'?\.", _l("“%(value)s” is not one of the options.")),
    (r"Must be a finite number\.", _l("Enter a number.")),
    (r"Duplicate of line (?P<line>\d+)\.", _l("The same employee as on line %(line)s.")),
    (r"Already on this round's roster\.", _l("Already on this round's roster.")),
    (
        r"Same address as line (?P<line>\d+)\.",
        _l("The same e-mail address as on line %(line)s: each employee needs their own."),
    ),
    (
        r"Already the address of another employee of this round\.",
        _l("Already the e-mail address of another employee of this round."),
    ),
    (
        r"(?P<n>\d+) row\(s\) have errors; nobody was added\.",
        _l("%(n)s row(s) have errors; nobody was added."),
    ),
    (
        r"(?P<n>\d+) row\(s\) have errors; no engagement score was changed\.",
        _l("%(n)s row(s) have errors; no engagement score was changed."),
    ),
    (r"No employees in the file\.", _l("No employees in the file.")),
    (r"Too many rows\.", _l("Too many rows.")),
    (r"At most (?P<n>\d+) rows per file\.", _l("At most %(n)s rows per file.")),
    (
        r"A round labelled '(?P<value>.*)' already exists in this survey\.",
        _l("A round labelled “%(value)s” already exists in this survey."),
    ),
    (
        r"Already used by another round of this survey\.",
        _l("Already used by another round of this survey."),
    ),
    (
        r"Not a version of this survey's questionnaire\.",
        _l("Not a version of this survey's questionnaire."),
    ),
    (
        r"The dates overlap round '(?P<value>.*)' of this survey \((?P<opens>[0-9-]+) to "
        r"(?P<closes>[0-9-]+)\)\.",
        _l(
            "The dates overlap round “%(value)s” of this survey (%(opens)s to %(closes)s): "
            "rounds of one survey follow each other."
        ),
    ),
    (
        r"Overlaps round '(?P<value>.*)' \((?P<opens>[0-9-]+) to (?P<closes>[0-9-]+)\)\.",
        _l("Overlaps round “%(value)s” (%(opens)s to %(closes)s)."),
    ),
    (r"Missing CSV columns\.", _l("Columns are missing from the CSV.")),
    (r"Missing column\(s\): (?P<value>.*)\.", _l("Missing column(s): %(value)s.")),
    (r"Line (?P<line>\d+) cannot be read as text\.", _l("Line %(line)s cannot be read as text.")),
    (
        r"Unreadable bytes: the line is not UTF-8, Shift_JIS \(cp932\) or UTF-16 text\.",
        _l(
            "Unreadable characters: save the file from the spreadsheet again as CSV "
            "(UTF-8 or Shift_JIS) or as Unicode text."
        ),
    ),
    (r"The file has no rows\.", _l("The file has no rows.")),
    (r"No participants in the file\.", _l("No participants in the file.")),
    (
        r"Enrolment needs a recruiting or running pilot; this one is (?P<status>\w+)\.",
        _l("Enrolment needs a recruiting or running pilot."),
    ),
]
_COMPILED = [(re.compile(pattern), wording) for pattern, wording in _PATTERNS]
# "age_band: Unknown age band '38'." inside a CSV line's problems: a field, then its message.
_FIELD_PREFIX = re.compile(r"(?P<field>[a-z_]+): (?P<rest>.+)")


def _option_label(kind: str, code: str) -> str | None:
    if kind == "arm":
        text = label("arm", code)
        return None if text == code else text
    return labels.lookup(labels.OPTION)(kind, code)


def _codes(kind: str, text: str) -> str:
    """'45-49, 50-54' → '45-49 (45–49 years old), 50-54 (…)': each code with its label."""
    kind = kind.replace(" ", "_")
    out = []
    for code in text.split(", "):
        name = _option_label(kind, code)
        out.append(code if name is None else _("%(code)s (%(label)s)", code=code, label=name))
    return _(", ").join(out)


def _outcomes(text: str) -> str:
    """'total, vision' → the total's and each subscale's label, as the form lists them."""
    subscale_label = labels.lookup(labels.SUBSCALE)  # the shipped scale's subscale names

    return _(", ").join(
        str(_("Total score")) if key == "total" else subscale_label(key) for key in text.split(", ")
    )


def _values(found: re.Match) -> dict:
    values = {}
    for key, value in found.groupdict().items():
        if key == "field":
            value = field_label(value)
        elif key == "codes":
            value = _codes(found["kind"], value)
        elif key == "outcomes":
            value = _outcomes(value)
        values[key] = value
    return values


def translate(message: str) -> str:
    """One API or service message in the page's language, fields named by their labels."""
    message = str(message)
    for pattern, wording in _COMPILED:
        found = pattern.fullmatch(message)
        if found:
            values = _values(found)
            return str(wording) % values if values else str(wording)
    prefixed = _FIELD_PREFIX.fullmatch(message)
    if prefixed and prefixed["field"] in FIELD_LABELS:
        return f"{field_label(prefixed['field'])}: {translate(prefixed['rest'])}"
    return _(message) if message else message


def translate_errors(errors: dict) -> dict[str, list[str]]:
    """A field → messages dict with each message translated (keys stay, for the templates)."""
    return {
        key: [translate(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
        for key, msgs in errors.items()
    }


def summary(message: str, errors: dict) -> str:
    """The headline of an error and each field's messages after its label, in one line."""
    details = "; ".join(
        f"{field_label(field)}: {' '.join(msgs)}"
        for field, msgs in translate_errors(errors).items()
    )
    return f"{translate(message)} {details}".strip()
