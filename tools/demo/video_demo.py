"""Segment every frame of a video; write the overlaid video (OpenCV).

Example::

    python tools/demo/video_demo.py drive.mp4 CONFIG_OR_NAME CKPT --out out.mp4

prints the processing speed (frames/s, model + overlay, decoding and encoding
excluded) every ``--log-interval`` frames and at the end. The output keeps the
input's frame size and frame rate; ``--fourcc`` picks the codec (``mp4v`` for
``.mp4``, ``MJPG`` for ``.avi``).
"""
import argparse
import os.path as osp
import sys
import time

import cv2

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
import demo_utils  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('video', help='input video file')
    demo_utils.add_model_args(parser)
    parser.add_argument('--out', required=True, help='output video file')
    parser.add_argument('--fourcc', default=None,
                        help='4-character codec (default: mp4v, MJPG for '
                        '.avi)')
    parser.add_argument('--max-frames', type=int, default=None,
                        help='stop after this many frames')
    parser.add_argument('--log-interval', type=int, default=50,
                        help='print frames/s every N frames')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmseg.apis import inference_model
    if not osp.isfile(args.video):
        raise FileNotFoundError(f'video {args.video} not found')
    capture = cv2.VideoCapture(args.video)
    if not capture.isOpened():
        raise ValueError(f'OpenCV cannot open the video {args.video}')
    model = demo_utils.load_model(args)
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    fourcc = args.fourcc or ('MJPG' if args.out.lower().endswith('.avi')
                             else 'mp4v')
    if len(fourcc) != 4:
        raise ValueError(f'--fourcc must have 4 characters, got {fourcc!r}')
    demo_utils.ensure_dir(osp.dirname(osp.abspath(args.out)))
    writer = cv2.VideoWriter(args.out, cv2.VideoWriter_fourcc(*fourcc), fps,
                             (width, height))
    if not writer.isOpened():
        raise ValueError(f'OpenCV cannot write {args.out} with codec '
                         f'{fourcc!r}; try --fourcc MJPG and an .avi name')
    frames, busy = 0, 0.0
    try:
        while args.max_frames is None or frames < args.max_frames:
            ok, frame = capture.read()
            if not ok:
                break
            start = time.perf_counter()
            result = inference_model(model, frame)
            labels = demo_utils.label_map(result, frame.shape)
            palette = demo_utils.palette_for(
                model.dataset_meta, int(result.seg_logits.data.shape[0]))
            blended = demo_utils.overlay_labels(frame, labels, palette,
                                                args.opacity)
            busy += time.perf_counter() - start
            writer.write(blended)
            frames += 1
            if args.log_interval and frames % args.log_interval == 0:
                print(f'{frames} frames, {frames / busy:.2f} frames/s',
                      flush=True)
    finally:
        capture.release()
        writer.release()
    if frames == 0:
        raise ValueError(f'no frame could be read from {args.video}')
    print(f'{frames} frames -> {args.out}: {frames / busy:.2f} frames/s '
          f'({busy / frames * 1000:.1f} ms per frame)')


if __name__ == '__main__':
    main()
