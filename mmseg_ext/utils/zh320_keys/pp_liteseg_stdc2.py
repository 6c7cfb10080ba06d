"""zh320 PP-LiteSeg (STDC2) keys -> ``PPLiteSegSTDC(stdc_type='stdc2')`` +
``PPLiteSegHead``; same layout as STDC1 (see ``pp_liteseg_stdc1.py``)."""
from ._prefix_map import rewrite_prefixes
from .pp_liteseg_stdc1 import RULES

MODEL_NAME = 'pp_liteseg_stdc2'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    return rewrite_prefixes(state_dict, RULES, MODEL_NAME)
