"""model_release/realtime.md names only configs that exist and converter
commands that exist, with model names the converter knows."""
import os.path as osp
import re

from mmseg_ext.utils.zh320_keys import available_models
from tests.utils import REPO

PAGE = osp.join(REPO, 'model_release', 'realtime.md')


def table_rows():
    rows = []
    with open(PAGE) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip('|').split('|')]
            if line.startswith('| ') and len(cells) == 5 and \
                    not cells[0] in ('model', '---'):
                rows.append(cells)
    return rows


def test_rows_name_existing_configs_and_converters():
    rows = table_rows()
    zoo = [r for r in rows if 'releases/download/' in r[1]]
    assert len(zoo) == 39  # every row of the zoo's checkpoint table
    files = [re.search(r'\[([^\]]+)\]', r[1]).group(1) for r in zoo]
    assert len(set(files)) == len(files)
    used = set()
    for model, _, miou, config, convert in rows:
        link = re.search(r'\]\(\.\./(configs_local/realtime/[^)]+\.py)\)',
                         config)
        assert link and osp.isfile(osp.join(REPO, link.group(1))), \
            f'{model}: config {config} does not exist'
        if miou != '70.6 (Cityscapes test, paper)':
            assert re.fullmatch(r'\d+\.\d\d', miou), (model, miou)
        tools = re.findall(r'tools/model_converters/(\w+\.py)', convert)
        for tool in tools:
            assert osp.isfile(osp.join(REPO, 'tools', 'model_converters',
                                       tool)), f'{model}: {tool} missing'
        m = re.search(r'zh3202mmseg\.py (\S+) ', convert)
        if m:
            assert m.group(1) in available_models(), (model, m.group(1))
            used.add(m.group(1))
        else:
            assert tools == ['lednet2mmseg.py'] or convert.startswith(
                'none: '), (model, convert)
    # every zoo converter has its published checkpoint listed
    assert used == set(available_models())
