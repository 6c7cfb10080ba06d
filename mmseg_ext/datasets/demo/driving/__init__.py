"""Built-in demo data: procedural driving scenes in Cityscapes format.

Writes, deterministically from a seed, a small dataset that mmseg's
``CityscapesDataset`` reads unchanged (layout in ``writer.py``). Labels are
the 19 Cityscapes train ids (uint8, 0..18) and 255 (ignore).

Each scene is rendered with a pinhole camera (random focal length, camera
height and vanishing point) looking down a street: sky with gradient and
clouds, a road with lanes, lane markings and crosswalks, curbs, sidewalks,
grass verges and yards (terrain), rows of buildings with windows, walls,
fences and hedges, trees, poles, street lamps, traffic signs and lights,
parked and moving cars, trucks, buses, the odd tram, persons, riders on
bicycles and motorcycles, parked bicycles. Every object is placed in metric
3-D coordinates, so its size follows the perspective, and it is painted far
to near. Colours are drawn from wide, overlapping palettes, surfaces carry
multi-scale noise textures, and each image gets its own lighting
(brightness, colour cast, gamma, cast shadows, vignetting, sensor noise,
slight blur): a model has to use shape and context, colour alone is not
enough. Scenes are drawn at twice the output size and reduced (area
averaging for the image, majority of each 2x2 block for the label), so
object borders are anti-aliased as in a real photograph.

Ignore (255) marks what Cityscapes also leaves out of its 19 classes: the
ego-vehicle bonnet at the bottom of some frames and street furniture of the
"static" kind (litter bins, bollards). There is no ignore band at object
borders.

Modules, in drawing order:

========================  ==================================================
``palette``               classes, colours, texture presets
``canvas``                supersampled image + label painting
``camera``                pinhole projection, boxes
``layout``                lanes, road edges, sidewalks, facade plan
``scene``                 one scene: lighting, drawing order, 3-D helpers
``sky``                   sky, clouds, distant skyline
``buildings``             facades, windows, far facade, cast shadows
``ground``                terrain, sidewalks, road and markings
``boundaries``            walls, fences, hedges
``vegetation``            trees
``street_furniture``      poles, lamps, signs, traffic lights, clutter
``vehicles``              cars, trucks, buses, trams, ego bonnet
``two_wheelers``          bicycles, motorcycles
``people``                pedestrians and riders
``placement``             where objects go
``sensor``                camera response, reduction to output size
``instances``             Cityscapes instance ids from the object map
``render``                one image + label (+ instance ids)
``writer``                the Cityscapes tree, stamp, summary
``cli``                   command line
========================  ==================================================

With ``panoptic=True`` (``--panoptic``) the writer also stores
``gtFine/*_gtFine_instanceIds.png`` (each object painted is its own instance,
in the Cityscapes encoding) and converts them with cityscapesscripts'
``createPanopticImgs --use-train-id`` into the COCO-panoptic annotations
``CityscapesPanopticDataset`` reads; the other files stay byte-identical.

Every random draw comes from the generator of the image being rendered, in
a fixed order, so the same seed gives byte-identical files (on the same
numpy / OpenCV build).
"""
from .cli import main
from .palette import CLASSES, IGNORE_INDEX, PALETTE, colorize_label
from .render import DEFAULT_SIZE, render_driving_scene
from .writer import (DEFAULT_NUM_TRAIN, DEFAULT_NUM_VAL, IMG_SUFFIX,
                     SEG_SUFFIX, STAMP_NAME, SUMMARY_NAME, TRAIN_CITIES,
                     VAL_CITIES, generate_driving_dataset)

__all__ = [
    'CLASSES', 'PALETTE', 'IGNORE_INDEX', 'DEFAULT_SIZE', 'DEFAULT_NUM_TRAIN',
    'DEFAULT_NUM_VAL', 'TRAIN_CITIES', 'VAL_CITIES', 'IMG_SUFFIX',
    'SEG_SUFFIX', 'STAMP_NAME', 'SUMMARY_NAME', 'render_driving_scene',
    'generate_driving_dataset', 'colorize_label', 'main'
]
