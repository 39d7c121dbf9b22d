"""The later waves: the change to each follow-up wave and the instrument's reliability in every
scale wave."""

from crossover import analysis, waves
from crossover.privacy.suppression import withheld
from crossover.reports.gather import PilotData
from crossover.reports.paired import change_summary, pairs


def followup_changes(data: PilotData, k: int) -> list[dict]:
    """The primary outcome's change from before to each follow-up wave, earliest first."""
    out = []
    for days in sorted(data.pilot.followup_days):
        wave = waves.followup_wave(days)
        _, pre, later = pairs(data, data.pilot.outcome, second=wave)
        out.append(
            change_summary(
                pre,
                later,
                k,
                data.pilot.direction.value,
                data.items[data.pilot.outcome],
                data.pilot.alpha,
                wave=wave,
                days=days,
            )
        )
    return out


def wave_reliability(data: PilotData, k: int) -> list[dict]:
    """Cronbach's alpha of the instrument in each scale wave (every respondent, both arms)."""
    out = []
    for wave in waves.scale_waves(data.pilot.followup_days):
        scores = data.waves.get(wave)
        n = 0 if scores is None else int(scores.ids.size)
        if n < k:
            out.append(withheld(["n", "alpha"], wave=wave))
        else:
            out.append(
                {
                    "wave": wave,
                    "n": n,
                    "alpha": analysis.cronbach_alpha(scores.items),
                    "suppressed": False,
                    "suppressed_reason": None,
                }
            )
    return out
