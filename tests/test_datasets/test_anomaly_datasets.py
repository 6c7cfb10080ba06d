"""Released LFD split on generated trees in the three dataset layouts."""
import os
import os.path as osp

import pytest
from tests.utils.anomaly_trees import (generated_tree, mvtec_3d_tree, mvtec_ad_tree,
                           visa_tree, write_image, write_mask)

import mmseg_ext  # noqa: F401
from mmseg.registry import DATASETS


def build(type_, root, split, **kwargs):
    return DATASETS.build(dict(type=type_, data_root=str(root), split=split,
                               pipeline=[], **kwargs))


def names(dataset, **where):
    out = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        if all(info[k] == v for k, v in where.items()):
            out.append(osp.relpath(info['img_path'], dataset.data_root))
    return out


def test_mvtec_ad_split(tmp_path):
    root = mvtec_ad_tree(tmp_path / 'mvtec')
    train = build('MVTecADDataset', root, 'train',
                  categories=['bottle', 'cable'])
    test = build('MVTecADDataset', root, 'test',
                 categories=['bottle', 'cable'])
    # per category: floor(7/3)=2 broken + floor(3/3)=1 crack + 4 good
    assert len(train) == 2 * (2 + 1 + 4)
    assert len(test) == 2 * (5 + 2 + 2)
    assert names(train, category='bottle', defect='broken') == [
        'bottle/test/broken/000.png', 'bottle/test/broken/001.png']
    assert names(test, category='bottle', defect='broken') == [
        f'bottle/test/broken/{i:03d}.png' for i in range(2, 7)]
    assert set(names(train)).isdisjoint(names(test))
    info = train.get_data_info(0)
    assert info['seg_map_path'].endswith('bottle/ground_truth/broken/'
                                         '000_mask.png')
    assert info['category'] == 'bottle' and info['anomaly_label'] == 1
    good = [train.get_data_info(i) for i in range(len(train))
            if train.get_data_info(i)['defect'] == 'good']
    assert all(g['seg_map_path'] is None and g['anomaly_label'] == 0
               for g in good)
    assert train.metainfo['categories'] == ('bottle', 'cable')
    assert train.metainfo['classes'] == ('background', 'anomaly')


def test_one_model_per_category_and_default_categories(tmp_path):
    root = mvtec_ad_tree(tmp_path / 'mvtec')
    one = build('MVTecADDataset', root, 'test', categories='cable')
    assert {one.get_data_info(i)['category'] for i in range(len(one))} == {
        'cable'}
    with pytest.raises(FileNotFoundError, match='capsule'):
        build('MVTecADDataset', root, 'test')  # default = all 15 categories


def test_generated_pairs_merged_into_train_only(tmp_path):
    root = mvtec_ad_tree(tmp_path / 'mvtec', categories=('bottle', ))
    gen = generated_tree(tmp_path / 'seas', 'bottle',
                         (('broken', 3), ('crack', 2)))
    train = build('MVTecADDataset', root, 'train', categories=['bottle'],
                  generated_root=str(gen))
    test = build('MVTecADDataset', root, 'test', categories=['bottle'],
                 generated_root=str(gen))
    generated = [train.get_data_info(i) for i in range(len(train))
                 if train.get_data_info(i)['source'] == 'generated']
    assert len(generated) == 5 and len(train) == 5 + 3 + 4
    assert generated[0]['img_path'].endswith('broken/image/000.png')
    assert generated[0]['seg_map_path'].endswith('broken/mask/000.png')
    assert len(test) == 5 + 2 + 2
    with pytest.raises(FileNotFoundError, match='seas_typo does not exist'):
        build('MVTecADDataset', root, 'train', categories=['bottle'],
              generated_root=str(tmp_path / 'seas_typo'))


def test_generated_count_mismatch_is_an_error(tmp_path):
    root = mvtec_ad_tree(tmp_path / 'mvtec', categories=('bottle', ))
    gen = generated_tree(tmp_path / 'seas', 'bottle')
    os.remove(osp.join(gen, 'bottle', 'broken', 'mask', '002.png'))
    with pytest.raises(FileNotFoundError,
                       match=r'count mismatch.*3 images vs 2 masks.*'
                       r'image/002.png'):
        build('MVTecADDataset', root, 'train', categories=['bottle'],
              generated_root=str(gen))


def test_visa_layout(tmp_path):
    root = visa_tree(tmp_path / 'visa')
    train = build('VisADataset', root, 'train', categories=['candle'])
    test = build('VisADataset', root, 'test', categories=['candle'])
    assert names(train) == ['candle/test/wax/000.JPG',
                            *[f'candle/train/good/{i:03d}.JPG'
                              for i in range(3)]]
    assert names(test, defect='wax') == [
        f'candle/test/wax/{i:03d}.JPG' for i in range(1, 5)]
    assert train.get_data_info(0)['seg_map_path'].endswith(
        'candle/ground_truth/wax/000.png')
    assert len(test) == 4 + 2


def test_mvtec_3d_ad_layout_rgb_only(tmp_path):
    root = mvtec_3d_tree(tmp_path / 'm3d')
    train = build('MVTec3DADDataset', root, 'train', categories=['bagel'])
    test = build('MVTec3DADDataset', root, 'test', categories=['bagel'])
    assert names(train) == ['bagel/test/hole/rgb/000.png',
                            'bagel/test/hole/rgb/001.png',
                            *[f'bagel/train/good/rgb/{i:03d}.png'
                              for i in range(3)]]
    assert train.get_data_info(0)['seg_map_path'].endswith(
        'bagel/test/hole/gt/000.png')
    assert len(test) == 4 + 2
    goods = [test.get_data_info(i) for i in range(len(test))
             if test.get_data_info(i)['defect'] == 'good']
    assert len(goods) == 2 and all(g['seg_map_path'] is None for g in goods)
    assert not any('validation' in n or 'xyz' in n
                   for n in names(train) + names(test))


def test_anomaly_image_without_mask_names_the_file(tmp_path):
    root = mvtec_ad_tree(tmp_path / 'mvtec', categories=('bottle', ))
    os.remove(osp.join(root, 'bottle', 'ground_truth', 'crack',
                       '001_mask.png'))
    with pytest.raises(FileNotFoundError,
                       match=r'bottle/test/crack/001.png has no mask'):
        build('MVTecADDataset', root, 'test', categories=['bottle'])


def test_mask_without_image_is_a_count_mismatch(tmp_path):
    root = visa_tree(tmp_path / 'visa')
    write_mask(osp.join(root, 'candle', 'ground_truth', 'wax', '099.png'))
    with pytest.raises(FileNotFoundError,
                       match=r'count mismatch.*wax/099.png.*5 images vs 6'):
        build('VisADataset', root, 'train', categories=['candle'])


def test_empty_and_missing_category(tmp_path):
    root = mvtec_ad_tree(tmp_path / 'mvtec', categories=('bottle', ))
    os.makedirs(osp.join(root, 'empty', 'train', 'good'))
    os.makedirs(osp.join(root, 'empty', 'ground_truth'))
    with pytest.raises(FileNotFoundError,
                       match=r'category "empty" .*empty\).* no train image'):
        build('MVTecADDataset', root, 'train', categories=['empty'])
    with pytest.raises(FileNotFoundError, match=r'mvtec/nothing does not'):
        build('MVTecADDataset', root, 'train', categories=['nothing'])


def test_defect_folder_missing_its_images(tmp_path):
    root = mvtec_ad_tree(tmp_path / 'mvtec', categories=('bottle', ))
    write_mask(osp.join(root, 'bottle', 'ground_truth', 'cut',
                        '000_mask.png'))
    with pytest.raises(FileNotFoundError, match=r'image folder .*test/cut'):
        build('MVTecADDataset', root, 'test', categories=['bottle'])


def test_pipeline_keeps_category_in_metainfo(tmp_path):
    from mmengine.registry import init_default_scope
    init_default_scope('mmseg')  # the Runner does this from the config
    root = mvtec_ad_tree(tmp_path / 'mvtec', categories=('bottle', ))
    write_image(osp.join(root, 'bottle', 'train', 'good', 'zzz.png'))
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnomalyAnnotations'),
        dict(type='Resize', scale=(8, 8), keep_ratio=False, backend='pillow'),
        dict(type='BinarizeAnomalyMask'),
        dict(type='PackAnomalyInputs'),
    ]
    dataset = DATASETS.build(dict(type='MVTecADDataset', data_root=str(root),
                                  split='train', categories=['bottle'],
                                  pipeline=pipeline))
    first, last = dataset[0], dataset[len(dataset) - 1]
    assert first['data_samples'].metainfo['category'] == 'bottle'
    assert first['data_samples'].metainfo['defect'] == 'broken'
    assert first['data_samples'].gt_sem_seg.data.sum() > 0
    assert last['data_samples'].metainfo['img_path'].endswith('zzz.png')
    assert last['data_samples'].gt_anomaly_any.data.sum() == 0
    assert tuple(first['inputs'].shape) == (3, 8, 8)


@pytest.mark.parametrize('missing', ['train/good', 'test/good',
                                     'ground_truth'])
def test_missing_layout_folder_names_path(tmp_path, missing):
    import shutil
    root = mvtec_ad_tree(tmp_path / 'mvtec')
    shutil.rmtree(os.path.join(root, 'bottle', missing))
    split = 'train' if missing == 'train/good' else 'test'
    with pytest.raises(FileNotFoundError) as info:
        build('MVTecADDataset', root, split, categories='bottle')
    assert os.path.join('bottle', missing) in str(info.value)
