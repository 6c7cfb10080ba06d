"""Strict model loading for inference: ``init_model`` and ``SegExtInferencer``.

mmseg's ``init_model`` and ``MMSegInferencer`` load weights with
``strict=False``: a checkpoint written for another config (other
``num_classes``, other backbone) yields a model with a random classifier and
only a log line. These two entry points check first, with
:func:`~mmseg_ext.utils.checkpoint_checks.check_state_dict_fits`, and raise
an error naming the file, the first mismatching keys and both shapes.
Loading itself goes through mmengine's ``CheckpointLoader`` (the plugin's safe
``weights_only`` loaders).
"""
from typing import Optional, Union

from mmengine.runner.checkpoint import CheckpointLoader, load_state_dict
from mmseg.apis import MMSegInferencer
from mmseg.apis import init_model as mmseg_init_model
from mmseg.registry import INFERENCERS

from ..utils.checkpoint_checks import (check_state_dict_fits,
                                       checkpoint_state_dict)


def init_model(config, checkpoint: Optional[str] = None,
               device: str = 'cuda:0', cfg_options: Optional[dict] = None):
    """``mmseg.apis.init_model`` that refuses a checkpoint that does not fit.

    Args and return value as mmseg's ``init_model``; the model is in eval
    mode on ``device`` with ``dataset_meta`` from the checkpoint when saved.
    """
    model = mmseg_init_model(config, None, device='cpu',
                             cfg_options=cfg_options)
    if checkpoint is not None:
        loaded = CheckpointLoader.load_checkpoint(checkpoint,
                                                  map_location='cpu')
        state_dict = checkpoint_state_dict(loaded)
        check_state_dict_fits(model, state_dict, checkpoint)
        load_state_dict(model, state_dict, strict=True)
        meta = loaded.get('meta', {}) if isinstance(loaded, dict) else {}
        if 'dataset_meta' in meta:
            model.dataset_meta = meta['dataset_meta']
    model.cfg.device = device
    return model.to(device).eval()


@INFERENCERS.register_module()
class SegExtInferencer(MMSegInferencer):
    """``MMSegInferencer`` that refuses weights that do not fit the model.

    Same arguments as ``MMSegInferencer`` (``scope`` defaults to
    ``'mmseg_ext'``, which finds our models and mmseg's).
    """

    def __init__(self, model: Union[str, dict, None] = None,
                 weights: Optional[str] = None, *args,
                 scope: Optional[str] = 'mmseg_ext', **kwargs) -> None:
        self._weights_file = weights
        super().__init__(model, weights, *args, scope=scope, **kwargs)

    def _load_weights_to_model(self, model, checkpoint, cfg) -> None:
        if checkpoint is not None:
            check_state_dict_fits(model, checkpoint_state_dict(checkpoint),
                                  self._weights_file or '<weights>')
        super()._load_weights_to_model(model, checkpoint, cfg)
