"""Close registry matches for unknown ``type=`` names (runner/tools path)."""
import pytest

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg.utils import register_all_modules

from mmseg_ext.utils.input_checks import registry_hints

register_all_modules(init_default_scope=False)


def test_unknown_type_lists_close_matches():
    with pytest.raises(KeyError) as info, registry_hints():
        MODELS.build(dict(type='BiSeNetV3'))
    message = str(info.value)
    assert 'Did you mean' in message and 'BiSeNetV2' in message


def test_unknown_type_far_from_anything():
    with pytest.raises(KeyError, match='No registered name is close'), \
            registry_hints():
        MODELS.build(dict(type='Qzxwvut'))


def test_other_key_errors_pass_through():
    with pytest.raises(KeyError, match='^.zzz.$'), registry_hints():
        {}['zzz']


def test_plain_registry_build_is_stock():
    """Outside our runner/tools the registry error is mmengine's own."""
    with pytest.raises(KeyError) as info:
        MODELS.build(dict(type='BiSeNetV3'))
    assert 'Did you mean' not in str(info.value)
