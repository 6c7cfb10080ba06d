"""Convert a zh320 realtime-segmentation checkpoint to mmseg_ext keys.

Released models: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6). ``NAME`` is the release's model name (``lednet``, ``enet``, ...;
run with an unknown name to list them). SRC may be a raw state dict, a dict
with ``state_dict`` or ``model`` (the release's training checkpoints), with
or without a DataParallel/DDP ``module.`` prefix. Every key must be mapped;
DST is written atomically as ``{'state_dict': ..., 'meta': {...}}`` and
loads strictly into the model of the matching config.

    python tools/model_converters/zh3202mmseg.py NAME SRC DST \
        [--config CFG] [--trust-checkpoint]
"""
import argparse
import sys

from mmseg_ext.utils.ckpt_convert import add_converter_args, run_converter
from mmseg_ext.utils.zh320_keys import available_models, get_converter


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert a zh320 realtime-segmentation checkpoint to '
        'mmseg_ext keys.')
    parser.add_argument('name', help='released model name, one of: ' +
                        ', '.join(available_models()))
    parser.add_argument('src', help='source checkpoint (.pth)')
    parser.add_argument('dst', help='output path')
    add_converter_args(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        convert = get_converter(args.name)
    except KeyError as err:
        sys.exit(f'zh3202mmseg: {err.args[0]}')
    run_converter(args, lambda sd, dropped: convert(dict(sd)),
                  'zh3202mmseg', model=args.name)


if __name__ == '__main__':
    main()
