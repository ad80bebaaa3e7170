"""The models the chapters train, each built from the layers in `eyememory.nn`."""
