"""LRFormer-T+ = LRFormer backbone + mmseg Mask2FormerHead, ADE20K 512x512,
160k.

Follows the released ``lrformer-t-plus-160k_ade20k-512x512.py``
(yuhuan-wu/LRFormer): backbone lr x0.1, layer norms of the backbone (block /
attention / patch-embed norms) and query / level embeddings without weight
decay, AdamW 1e-4 / wd 0.05, clip 0.01, poly(0.9) without warmup, batch 2 per
GPU. README: 49.4 mIoU (paper number). Fixed release defects: the release's
``q_pool_ratios=[8, 4, 2, 1]`` (silently ignored there) is dropped;
``q_pooled_sizes=[16] * 4`` is what its checkpoints were trained with; the
missing ``mask2former_r50_8xb2-160k_ade20k-512x512.py`` base is provided.
"""
_base_ = ['./mask2former_r50_8xb2-160k_ade20k-512x512.py']

depths = [2, 2, 6, 3]
model = dict(
    backbone=dict(
        _delete_=True,
        type='LRFormer',
        arch='t',
        q_pooled_sizes=[16, 16, 16, 16],
        drop_path_rate=0.2,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrained/LRFormer_tiny.pth')),
    decode_head=dict(in_channels=[48, 96, 240, 384]))


# all backbone params lr x0.1; its layer norms, query_feat / query_embed /
# level_embed without weight decay (explicit keys pre-empt norm_decay_mult)
backbone_norm_multi = dict(lr_mult=0.1, decay_mult=0.0)
embed_multi = dict(lr_mult=1.0, decay_mult=0.0)
custom_keys = {
    'backbone': dict(lr_mult=0.1, decay_mult=1.0),
    'query_embed': embed_multi,
    'query_feat': embed_multi,
    'level_embed': embed_multi
}
custom_keys.update({
    f'backbone.block{stage_id + 1}.{block_id}.norm': backbone_norm_multi
    for stage_id, num_blocks in enumerate(depths)
    for block_id in range(num_blocks)
})
custom_keys.update({
    f'backbone.patch_embed{stage_id + 1}.norm': backbone_norm_multi
    for stage_id in range(len(depths))
})
custom_keys.update({
    f'backbone.block{stage_id + 1}.{block_id}.attn.norm': backbone_norm_multi
    for stage_id, num_blocks in enumerate(depths)
    for block_id in range(num_blocks)
})
optim_wrapper = dict(
    clip_grad=dict(max_norm=0.01),
    paramwise_cfg=dict(custom_keys=custom_keys, norm_decay_mult=0.0))
