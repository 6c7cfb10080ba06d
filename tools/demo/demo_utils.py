"""Pieces shared by the demo scripts in ``tools/demo/``.

Model loading is ``mmseg_ext.apis.init_model`` (strict: a checkpoint that does
not fit the config is an error naming the file and the keys) followed by
``optimize_for_inference`` (BN folding, channels-last; default on for CPU).
"""
import argparse
import glob
import os
import os.path as osp

import cv2
import numpy as np

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp')
# Transforms that read a label map: raw demo inputs have none.
LABEL_LOADERS = ('LoadAnnotations', 'CheckedLoadAnnotations')


def add_model_args(parser: argparse.ArgumentParser) -> None:
    """``config``, ``checkpoint`` and the options every demo shares."""
    from mmseg_ext.utils.safe_checkpoint import add_trust_checkpoint_arg
    parser.add_argument(
        'config', help='config file, or a model name from the metafiles '
        '(configs_local/<family>/metafile.yaml, e.g. '
        'sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256)')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--optimize', dest='optimize', action='store_true', default=None,
        help='apply optimize_for_inference (default: on for CPU)')
    parser.add_argument(
        '--no-optimize', dest='optimize', action='store_false',
        help='run the model as built (no BN folding / channels-last)')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='weight of the colour overlay, in [0, 1]')
    parser.add_argument(
        '--cfg-options', nargs='+', default=None, metavar='KEY=VALUE',
        help='override config settings (mmengine DictAction syntax)')
    add_trust_checkpoint_arg(parser)


def parse_cfg_options(options):
    if not options:
        return None
    parser = argparse.ArgumentParser()
    from mmengine.config import DictAction
    parser.add_argument('--o', nargs='+', action=DictAction)
    return parser.parse_args(['--o', *options]).o


def resolve_config(config: str) -> str:
    """A config path as given, or the ``Config`` of a metafile model name."""
    if osp.isfile(config):
        return config
    import mmseg_ext  # noqa: F401  (registers the mmseg_ext scope)
    from mmengine.infer import BaseInferencer
    mim = BaseInferencer._get_repo_or_mim_dir('mmseg_ext')
    names = []
    for model in BaseInferencer._get_models_from_metafile(mim):
        names.append(model['Name'])
        if model['Name'].lower() == config.lower():
            return osp.join(mim, model['Config'])
    close = [n for n in names if config.lower() in n.lower()][:5]
    raise FileNotFoundError(
        f'{config!r} is neither a config file nor a model name of the '
        f'metafiles ({len(names)} names in {mim}/model-index.yml)' +
        (f'; close names: {close}' if close else ''))


def load_model(args):
    """Strict ``init_model`` (+ ``optimize_for_inference``) from the args."""
    from mmengine.config import Config

    from mmseg_ext.apis import init_model, optimize_for_inference
    from mmseg_ext.utils.safe_checkpoint import apply_trust_checkpoint_arg
    apply_trust_checkpoint_arg(args)
    if not 0.0 <= args.opacity <= 1.0:
        raise ValueError(f'--opacity must be in [0, 1], got {args.opacity}')
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint {args.checkpoint} not found')
    cfg = Config.fromfile(resolve_config(args.config))
    options = parse_cfg_options(args.cfg_options)
    if options:
        cfg.merge_from_dict(options)
    cfg.test_pipeline = [
        t for t in cfg.test_pipeline
        if t['type'].split('.')[-1] not in LABEL_LOADERS
    ]
    model = init_model(cfg, args.checkpoint, device=args.device)
    optimize = args.optimize
    if optimize is None:
        optimize = str(args.device).startswith('cpu')
    if optimize:
        model = optimize_for_inference(model)
    if not getattr(model, 'dataset_meta', None) or \
            'classes' not in model.dataset_meta:
        model.dataset_meta = dataset_meta_of(cfg)
    return model


def dataset_meta_of(cfg) -> dict:
    """``METAINFO`` of the config's test dataset class (classes, palette)."""
    from mmseg.registry import DATASETS
    dataset = DATASETS.get(cfg.test_dataloader.dataset.type)
    return dict(getattr(dataset, 'METAINFO', {}) or {})


def list_images(path: str) -> list:
    """One image file, or the image files of a folder (sorted, recursive)."""
    if osp.isfile(path):
        return [path]
    if not osp.isdir(path):
        raise FileNotFoundError(f'input {path} is neither a file nor a '
                                'folder')
    files = sorted(
        f for f in glob.glob(osp.join(path, '**', '*'), recursive=True)
        if f.lower().endswith(IMAGE_SUFFIXES))
    if not files:
        raise FileNotFoundError(
            f'no image ({", ".join(IMAGE_SUFFIXES)}) found under {path}')
    return files


def read_image(path: str) -> np.ndarray:
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f'cannot read the image {path} (corrupt or not an '
                         'image)')
    return image


def palette_for(meta: dict, num_classes: int) -> np.ndarray:
    """``(num_classes, 3)`` uint8 RGB colours: the dataset's, else fixed."""
    palette = meta.get('palette') if meta else None
    if palette is not None and len(palette) >= num_classes:
        return np.asarray(palette[:num_classes], dtype=np.uint8)
    rng = np.random.RandomState(42)
    return rng.randint(0, 256, (num_classes, 3)).astype(np.uint8)


def resize_to(array: np.ndarray, shape, nearest: bool) -> np.ndarray:
    """``array`` (H, W) resized to ``shape`` (H, W) when it differs.

    Some models (LFD) predict at their input size, not the image size.
    """
    if array.shape[:2] == tuple(shape[:2]):
        return array
    interpolation = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
    return cv2.resize(array, (shape[1], shape[0]),
                      interpolation=interpolation)


def label_map(result, shape) -> np.ndarray:
    """The predicted class ids (H, W) uint8/int64 at the image size."""
    labels = result.pred_sem_seg.data[0].cpu().numpy()
    dtype = np.uint8 if labels.max(initial=0) < 256 else np.uint16
    return resize_to(labels.astype(dtype), shape, nearest=True)


def overlay_labels(image_bgr: np.ndarray, labels: np.ndarray,
                   palette_rgb: np.ndarray, opacity: float) -> np.ndarray:
    """Blend the class colours over a BGR image (ignore ids >= #colours)."""
    colours = np.zeros_like(image_bgr)
    valid = labels < len(palette_rgb)
    colours[valid] = palette_rgb[labels[valid]][:, ::-1]  # RGB -> BGR
    blended = image_bgr.astype(np.float32) * (1 - opacity) + \
        colours.astype(np.float32) * opacity
    blended[~valid] = image_bgr[~valid]
    return np.clip(blended + 0.5, 0, 255).astype(np.uint8)


def ensure_dir(path: str) -> str:
    os.makedirs(path, exist_ok=True)
    return path
