"""Prefix-rewrite helper for zh320 converters whose keys differ from ours
only by a prefix (no converter itself: the leading underscore keeps it out
of the package's discovery)."""
import re
from typing import Sequence, Tuple

Rule = Tuple[str, str]


def rewrite_prefixes(state_dict: dict, rules: Sequence[Rule],
                     model_name: str) -> dict:
    """Rename every key with the first matching ``(pattern, prefix)``.

    ``pattern`` is a regular expression matched at the start of the key;
    the matched part is replaced by ``prefix`` (``\\1``-style groups
    allowed). A key no rule matches raises ``KeyError`` naming it.
    """
    compiled = [(re.compile(p), r) for p, r in rules]
    out = {}
    for key, value in state_dict.items():
        for pattern, repl in compiled:
            m = pattern.match(key)
            if m:
                out[m.expand(repl) + key[m.end():]] = value
                break
        else:
            raise KeyError(f'zh320 {model_name}: unexpected key {key!r}')
    return out
