"""Workforce breakdowns: age bands and years of service, in display order (company surveys
break their figures down by them; pilots may limit eligibility to tenure bands).

Wider than the pilots' age bands (40-44 … 65+, a subset of these): a company survey covers the
whole workforce. Labels go through Babel; keys are what rosters, the API and the map use.
"""

from flask_babel import lazy_gettext as _l

AGE_BANDS = (
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
    "65+",
)
TENURE_BANDS = ("0-2", "3-5", "6-10", "11-20", "21-30", "31+")

AGE_BAND_LABELS = {
    **{band: _l("%(band)s years old", band=band) for band in AGE_BANDS[:-1]},
    "65+": _l("65 and over"),
}
TENURE_BAND_LABELS = {
    **{band: _l("%(band)s years of service", band=band) for band in TENURE_BANDS[:-1]},
    "31+": _l("31 years of service or more"),
}
