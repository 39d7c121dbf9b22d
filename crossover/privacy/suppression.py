"""Small-group suppression, designed against an attacker who combines every published group.

A family is a set of groups that publish the same per-person variable (a report's paired changes:
the total and every career-phase and age-band cell; its concern counts: all intake respondents and
each career phase). Means × n give each group's sum, SDs its sum of squares, so an attacker learns
the same about any linear combination of the visible groups. Groups under K are withheld first
("small"); then, while some combination of the visible groups is nonzero on only 1..K−1 people,
one more group is withheld to protect them ("complementary").

People with the same memberships form an atom; M is the groups × atoms 0/1 matrix. A combination
nonzero only on the atoms S exists iff S holds the support of a nonzero vector in M's row space.
Only atoms under K people can be in such an S, and S must total under K people, so the search
stays among a few small atoms; big pilots, whose atoms are all large, cost one pass. When the
small atoms are so many that the light sets to try exceed SEARCH_BUDGET (a big company's units
crossed with its map cells), every small atom a combination reaches counts as exposed instead:
never weaker, sometimes withholding more, and bounded by one decomposition per withheld group.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations, islice

import numpy as np
from scipy import linalg, sparse
from scipy.sparse import csgraph

SMALL = "small"  # the group itself holds fewer than K people
COMPLEMENTARY = "complementary"  # withheld only so that another, small group cannot be recovered
TOTAL = "total"  # the key of the group a partition family splits (and a mask family's anchor)
_TOLERANCE = 1e-9  # memberships are 0/1, so singular values are either 0 or far from it
# Candidate sets the exact search may face; beyond it, the safe shortcut in isolated_atoms.
SEARCH_BUDGET = 100_000


@dataclass
class Family:
    """Groups publishing one variable, as memberships over atoms (people who cannot be told
    apart)."""

    keys: list[Hashable]
    membership: np.ndarray  # groups × atoms, bool
    sizes: np.ndarray  # people per atom
    anchor: Hashable | None = None  # the total: withheld for others only when nothing else can go
    # Which groups go first when one must be withheld to protect another (lower first; the
    # default 0 for all): a page can keep its main figures and give up secondary ones.
    priority: Callable[[Hashable], int] | None = None
    # Light sets the exact search may try before the safe shortcut (SEARCH_BUDGET when None): a
    # family read on every page view can ask for less, withholding more in rare fragmented cases.
    search_budget: int | None = None

    @classmethod
    def from_masks(
        cls, masks: dict[Hashable, np.ndarray], anchor: Hashable | None = None
    ) -> "Family":
        """Groups given as boolean masks over the same people."""
        keys = list(masks)
        signature = np.zeros(len(next(iter(masks.values()), ())), dtype=np.int64)
        for bit, key in enumerate(keys):  # a family has far fewer than 63 groups
            signature |= masks[key].astype(np.int64) << bit
        codes, sizes = np.unique(signature, return_counts=True)
        membership = ((codes[None, :] >> np.arange(len(keys))[:, None]) & 1).astype(bool)
        return cls(keys, membership, sizes, anchor)

    @classmethod
    def from_partition(cls, parts: dict[Hashable, int], total: Hashable) -> "Family":
        """A total and the parts it splits into (each part one atom of the given size)."""
        keys = [total, *parts]
        membership = np.vstack([np.ones(len(parts), dtype=bool), np.eye(len(parts), dtype=bool)])
        return cls(keys, membership, np.array(list(parts.values()), dtype=np.int64), total)

    def group_sizes(self) -> np.ndarray:
        return self.membership.astype(np.int64) @ self.sizes


def withhold(family: Family, k: int) -> dict[Hashable, str]:
    """Which groups of the family to withhold, and why: SMALL or COMPLEMENTARY."""
    sizes = family.group_sizes()
    reasons = {key: SMALL for key, size in zip(family.keys, sizes, strict=True) if size < k}
    visible = [i for i, key in enumerate(family.keys) if key not in reasons]
    matrix = family.membership.astype(float)
    # Combinations of the visible groups that vanish on every large atom: one decomposition per
    # family, then updated as groups are withheld (a few thousand atoms made one SVD per step
    # the bulk of a big company's results).
    null = _left_null(matrix[visible][:, family.sizes >= k])
    while True:
        shown = matrix[visible]
        exposed = isolated_atoms(shown, family.sizes, k, null, budget=family.search_budget)
        if exposed is None:
            return reasons
        chosen = _group_to_withhold(family, visible, shown, exposed, sizes, null, k)
        reasons[family.keys[visible[chosen]]] = COMPLEMENTARY
        null = _without_group(null, chosen)
        del visible[chosen]


def isolated_atoms(
    membership: np.ndarray,
    sizes: np.ndarray,
    k: int,
    large_null: np.ndarray | None = None,
    *,
    budget: int | None = None,
) -> list[int] | None:
    """Atoms totalling 1..k−1 people on which alone some combination of the groups is nonzero.

    `large_null`, when the caller has it: an orthonormal basis (as columns) of the combinations
    of the groups that vanish on every atom of k people or more.
    """
    shown = membership.any(axis=0)  # atoms in no visible group cannot be singled out
    small = np.flatnonzero(shown & (sizes < k))
    if small.size == 0:
        return None
    matrix = np.asarray(membership, dtype=float)  # no copy when the caller's is float already
    if large_null is None:
        large_null = _left_null(matrix[:, sizes >= k])
    # Those combinations, seen on the small atoms only.
    on_small = large_null.T @ matrix[:, small]
    reach = np.abs(on_small).max(axis=0, initial=0) > _TOLERANCE
    if not reach.any():
        return None
    components = _components(on_small)
    if _light_set_count(sizes[small], components, k) > (budget or SEARCH_BUDGET):
        # Too many light sets to try each (a roster with hundreds of tiny unit × cell atoms):
        # every small atom some combination reaches counts as exposed. The caller withholds
        # until no combination vanishing on the large atoms reaches a small one, which is safe
        # (possibly more than needed) and costs one small decomposition per withheld group.
        return [int(atom) for atom in small[reach]]
    found = _lightest_dependent_rows_by_component(
        _right_null(on_small), components, sizes[small], k
    )
    return None if found is None else [int(small[i]) for i in found]


def _light_set_count(weights: np.ndarray, components: np.ndarray, k: int) -> int:
    """How many sets of atoms, within one component each, weigh 1..k−1 people: the exact
    search's candidates (it may stop earlier). Counted by weight, not listed."""
    total = 0
    for label in np.unique(components):
        ways = [1] + [0] * (k - 1)  # ways[w]: sets of this component's atoms weighing w
        for weight in weights[components == label].tolist():
            for reached in range(k - 1, weight - 1, -1):
                ways[reached] += ways[reached - weight]
        total += sum(ways[1:])
    return total


def _components(on_small: np.ndarray) -> np.ndarray:
    """The connected components of the matroid of `on_small`'s columns (a label per column).

    A minimal dependent set of null-space rows (a cocircuit of the columns) never spans two
    components, so each component can be searched alone: with many small atoms (a company's units
    crossed with its age × tenure cells) this turns one search over all small atoms into many
    searches over a few. Components come from a basis of the columns B and the representation
    B⁻¹·(other columns): two columns are joined when one takes part in the other's representation.
    A nonzero is judged loosely, so components may be merged that need not be (slower, never
    weaker).
    """
    columns = on_small.shape[1]
    _, singular, vt = np.linalg.svd(on_small, full_matrices=False)
    rank = int(np.sum(singular > _TOLERANCE * max(1.0, singular[0] if singular.size else 0.0)))
    if rank == 0:
        return np.arange(columns)
    space = vt[:rank]  # an orthonormal basis of the row space: the same matroid on the columns
    _, _, pivots = linalg.qr(space, pivoting=True, mode="economic")
    basis, rest = pivots[:rank], pivots[rank:]
    representation = np.linalg.solve(space[:, basis], space[:, rest])  # rank × rest
    rows, cols = np.nonzero(np.abs(representation) > 1e-12)
    edges = sparse.coo_matrix(
        (np.ones(rows.size), (basis[rows], rest[cols])), shape=(columns, columns)
    )
    return csgraph.connected_components(edges, directed=False)[1]


def _lightest_dependent_rows_by_component(
    rows: np.ndarray, components: np.ndarray, weights: np.ndarray, k: int
) -> list[int] | None:
    """Rows whose set is linearly dependent and weighs under k, fewest rows first.

    A vector supported on S is in the row space of A iff it is orthogonal to A's null space, so
    such a nonzero vector exists iff the null-space basis restricted to the rows S is dependent.
    Sets with more rows than their span's dimension are always dependent; otherwise every light
    set of one size is tested at once (the smallest eigenvalue of each set's Gram matrix).

    Searched one component at a time, it finds what a search over all rows finds. The fewest
    rows first: at the smallest size where a light dependent set exists, every such set is
    minimal, hence inside one component; among the components' first sets of that size, the one
    first in the order of the whole search (lightest positions first) is the one a search over
    all rows would have met first.
    """
    order = np.argsort(weights, kind="stable")
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    single = _dependent_single_rows(rows, weights, k)
    if single.size:
        return [int(single[np.argmin(position[single])])]
    # Larger sets: only components of two rows or more can hold one (a company's count family
    # has a thousand one-row components, checked above in one pass).
    labels, counts = np.unique(components, return_counts=True)
    members = [np.flatnonzero(components == label) for label in labels[counts > 1]]
    ranks: dict[int, int] = {}  # per component, computed when first needed
    for size in range(2, k):
        found = []
        for index, member in enumerate(members):
            if member.size < size or np.sort(weights[member])[:size].sum() >= k:
                continue  # no light set of this size here
            if index not in ranks:
                ranks[index] = _rank(rows[member])
            local = _dependent_rows_of_size(rows[member], weights[member], k, size, ranks[index])
            if local is not None:
                found.append(member[local].tolist())
        if found:
            return min(found, key=lambda chosen: sorted(position[chosen].tolist()))
        if not (np.sort(weights)[:size].sum() < k):
            return None  # every set of this size weighs k or more, and larger ones weigh more
    return None


def _dependent_single_rows(rows: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Rows that alone are dependent (zero) and weigh under k: the same test as the Gram
    matrices below, for every row at once."""
    return np.flatnonzero((np.einsum("ij,ij->i", rows, rows) <= _TOLERANCE) & (weights < k))


def _rank(rows: np.ndarray) -> int:
    if rows.size == 0:
        return 0
    if rows.shape[0] == 1:
        return int(rows[0] @ rows[0] > _TOLERANCE)  # the same test as the Gram matrices below
    return int(np.linalg.matrix_rank(rows, tol=_TOLERANCE))


def _dependent_rows_of_size(rows: np.ndarray, weights: np.ndarray, k: int, size: int, rank: int):
    """The first light dependent set of exactly `size` rows, in the order of lightest first."""
    order = np.argsort(weights, kind="stable")
    light = _light_sets(weights[order], size, k)
    first = next(light, None)
    if first is None:
        return None
    if size > rank:  # more rows than their span's dimension: dependent
        return order[first[0]]
    for batch in _batches(first, light):
        chosen = order[batch]
        picked = rows[chosen]
        smallest = np.linalg.eigvalsh(np.einsum("cij,ckj->cik", picked, picked))[:, 0]
        dependent = np.flatnonzero(smallest <= _TOLERANCE)
        if dependent.size:
            return chosen[dependent[0]]
    return None


def _light_sets(sorted_weights: np.ndarray, size: int, k: int):
    """Batches (arrays of index sets) of `size` positions whose weights total under k."""
    for batch in _chunks(combinations(range(sorted_weights.size), size), size):
        keep = sorted_weights[batch].sum(axis=1) < k
        if keep.any():
            yield batch[keep]


def _chunks(sets, size: int, length: int = 20000):
    while True:
        batch = np.fromiter(islice(sets, length), dtype=np.dtype((np.int64, size)))
        if batch.size == 0:
            return
        yield batch


def _batches(first: np.ndarray, rest):
    yield first
    yield from rest


def _group_to_withhold(
    family: Family,
    visible: list[int],
    matrix: np.ndarray,
    exposed: list[int],
    sizes: np.ndarray,
    large_null: np.ndarray,
    k: int,
) -> int:
    """The position in `visible` of the group to withhold: one that takes part in a combination
    exposing `exposed`; one that ends that exposure alone before one that does not; then by the
    family's priority, then the smallest (the total last).

    Such combinations vanish on every atom but the exposed ones: within `large_null` (which
    vanish on the large atoms), those that also vanish on the other small atoms. `matrix`: the
    visible groups' memberships, as floats.
    """
    others = np.setdiff1d(np.flatnonzero(family.sizes < k), exposed)
    exposing = large_null @ _left_null(large_null.T @ matrix[:, others])
    involved = np.flatnonzero(np.linalg.norm(exposing, axis=1) > _TOLERANCE)
    ends = _ends_exposure_alone(exposing, matrix[:, exposed])
    rank = family.priority or (lambda key: 0)
    return min(
        involved.tolist(),
        key=lambda i: (
            _is_total(family, visible[i]),
            not ends[i],
            rank(family.keys[visible[i]]),
            sizes[visible[i]],
            visible[i],
        ),
    )


def _ends_exposure_alone(exposing: np.ndarray, on_exposed: np.ndarray) -> np.ndarray:
    """Per group: whether withholding it alone leaves no combination nonzero on the exposed atoms.

    `exposing` is an orthonormal basis Z (groups × d) of the combinations that vanish everywhere
    else. Withholding group g keeps the combinations Z·w with Z[g]·w = 0; their values on the
    exposed atoms are wᵀP (P = Zᵀ·on_exposed). All of these vanish iff P has rank one, spanning
    a direction u, and Z[g] is parallel to u. (Withholding the fewest groups gives up fewer
    cells of the map, and takes fewer steps.)
    """
    values = exposing.T @ on_exposed
    u, singular, _ = np.linalg.svd(values, full_matrices=False)
    if singular.size == 0 or np.sum(singular > _TOLERANCE * max(1.0, singular[0])) != 1:
        return np.zeros(exposing.shape[0], dtype=bool)
    along = exposing @ u[:, 0]
    across = np.linalg.norm(exposing - np.outer(along, u[:, 0]), axis=1)
    return (np.abs(along) > _TOLERANCE) & (across <= _TOLERANCE)


def _without_group(null: np.ndarray, row: int) -> np.ndarray:
    """From a basis (as columns) of combinations, those that leave out group `row`, on the
    other groups: still orthonormal, and the same space a new decomposition would give."""
    weights = null[row]
    if np.linalg.norm(weights) > _TOLERANCE:
        # An orthonormal basis of the vectors orthogonal to `weights`: every combination of
        # them gives the row a zero weight.
        _, _, vt = np.linalg.svd(weights[None, :])
        null = null @ vt[1:].T
    return np.delete(null, row, axis=0)


def _is_total(family: Family, group: int) -> bool:
    """The anchor, or a group with exactly its members (withholding a copy of the total alone
    changes nothing an attacker can combine, so it is a last resort like the total)."""
    if family.anchor is None:
        return False
    anchor = family.keys.index(family.anchor)
    return group == anchor or bool(
        np.array_equal(family.membership[group], family.membership[anchor])
    )


def _left_null(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal basis (as columns) of {c : cᵀ matrix = 0}."""
    return _right_null(matrix.T)


def _right_null(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal basis (as columns) of {x : matrix x = 0}."""
    rows, columns = matrix.shape
    if rows == 0 or columns == 0:
        return np.eye(columns)
    # A tall matrix's V is already square without the full U (which would be rows × rows).
    _, singular, vt = np.linalg.svd(matrix, full_matrices=rows < columns)
    rank = int(np.sum(singular > _TOLERANCE * max(1.0, singular[0])))
    return vt[rank:].T


# --- groups an owner chooses, and families of many groups ----------------------------------------

VALUES_UNDER_K = "values_under_k"  # an owner-set variable's values do not form two groups of K


def ordered_groups(values: np.ndarray, k: int) -> np.ndarray | None:
    """Ordered groups of a per-person variable an owner chooses (sessions, minutes, engagement):
    a group index per person, or None when the values do not form two groups of k or more.

    Equal values always share a group; consecutive distinct values are joined, from the lowest,
    until a group holds k people, and a short last group joins the one before it. A statistic
    relating the variable to scores is then computed from the group index, so what the owner set
    reaches the figures only through groups of at least k people.
    """
    values = np.asarray(values)
    if values.size == 0:
        return None
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    label = joined_in_order(counts, k)
    if label is None or label.max() < 1:  # fewer than two groups relate nothing to anything
        return None
    return label[inverse.ravel()]


def joined_in_order(weights: np.ndarray, k: float) -> np.ndarray | None:
    """A group per piece of an ordered variable (its distinct values, or runs of them), joining
    neighbours from the lowest until a group holds k (weights: people per piece); a short last
    group, or trailing pieces nobody holds, joins the one before. None when no group reaches k."""
    label = np.empty(len(weights), dtype=np.int64)
    group, held = 0, 0.0
    for index, weight in enumerate(np.asarray(weights, dtype=float).tolist()):
        label[index] = group
        held += weight
        if held >= k:
            group, held = group + 1, 0.0
    short = label == group
    if short.any():
        if group == 0:
            return None
        label[short] = group - 1
    return label


def family_of(
    masks: dict[Hashable, np.ndarray],
    anchor: Hashable | None = None,
    priority: Callable[[Hashable], int] | None = None,
) -> Family:
    """Groups as boolean masks over the same people, any number of them (Family.from_masks packs
    a person's memberships into one 64-bit integer; this packs them into bytes)."""
    keys = list(masks)
    people = len(next(iter(masks.values()), ()))
    matrix = np.array([masks[key] for key in keys], dtype=bool).reshape(len(keys), people)
    if people == 0:
        return Family(keys, matrix, np.zeros(0, dtype=np.int64), anchor, priority)
    packed = np.packbits(matrix, axis=0)
    rows = np.ascontiguousarray(packed.T).view(np.dtype((np.void, packed.shape[0]))).ravel()
    _, first, sizes = np.unique(rows, return_index=True, return_counts=True)
    return Family(keys, matrix[:, first], sizes.astype(np.int64), anchor, priority)


# --- how withheld figures look -------------------------------------------------------------------


def withheld(fields: list[str], reason: str = SMALL, **keep) -> dict:
    """A withheld aggregate: every number null, `suppressed: true` and why."""
    return {
        **dict.fromkeys(fields),
        **keep,
        "suppressed": True,
        "suppressed_reason": reason,
    }


def suppress_breakdown(groups: Sequence[dict], k: int, blank: Callable[[dict], dict]) -> list[dict]:
    """One breakdown of a visible total: each group dict carries its size in "n" and is its own
    atom.

    Empty groups hold nobody and are left as they are. `blank` turns a group into its withheld
    form; the reason is added to it.
    """
    parts = {index: group["n"] for index, group in enumerate(groups) if group["n"] > 0}
    reasons = withhold(Family.from_partition(parts, total=TOTAL), k) if parts else {}
    return [
        {**blank(g), "suppressed_reason": reasons[i]} if i in reasons else g
        for i, g in enumerate(groups)
    ]
