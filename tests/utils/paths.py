"""Repository paths, free ports and tool loading for the tests."""
import importlib.util
import os
import os.path as osp
import socket
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def shared_root():
    """``$MMSEG_EXT_SHARED`` or ``<repo>/../shared``; None when absent."""
    root = os.environ.get('MMSEG_EXT_SHARED',
                          osp.join(osp.dirname(REPO), 'shared'))
    return root if osp.isdir(root) else None


def free_port() -> str:
    """A TCP port free on 127.0.0.1 now (for one torchrun launch)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return str(sock.getsockname()[1])


def load_tool(rel_path: str):
    """Import the script ``tools/<rel_path>`` as a module (its CLI tests)."""
    path = osp.join(REPO, 'tools', rel_path)
    name = 'tool_' + rel_path.replace('/', '_').replace('.py', '')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
