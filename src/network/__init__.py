"""Specialistnätet: sharing specialist social workers across Swedish municipalities."""

import os

# Piccolo finds its engine through this module path and caches it at first use.
os.environ.setdefault("PICCOLO_CONF", "network.piccolo_conf")
