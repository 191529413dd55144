"""Reads .lindi.json files through fsspec's ReferenceFileSystem and zarr-python 2, and compares every
array and attribute with what h5py reads from their HDF5 files. Arguments: LINDI HDF5 [LINDI HDF5 ...].
Prints a JSON report: {"arrays": n, "attributes": n, "mismatches": [...]}."""
import json
import math
import sys

import fsspec
import h5py
import numpy as np
import zarr

mismatches = []
counts = {"arrays": 0, "attributes": 0}


def plain(value):
    """Comparable Python values: text as str, numbers as float/int, NaN as 'NaN', refs as paths."""
    if isinstance(value, h5py.Reference):
        return {"ref": h5[value].name} if value else None
    if isinstance(value, dict) and "_REFERENCE" in value:
        return {"ref": value["_REFERENCE"]["path"]}
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, np.void):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()] if value.dtype.kind != "V" else [plain(v) for v in value]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return "NaN" if math.isnan(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, np.str_):
        return str(value)
    return value


def attr_plain(value):
    if value in ("NaN",):
        return "NaN"
    if value in ("Infinity", "-Infinity"):
        return float(value.replace("Infinity", "inf"))
    return plain(value)


def walk(group, path):
    for name, h5obj in group.items():
        child = f"{path}/{name}" if path else name
        link = group.get(name, getlink=True)
        if isinstance(link, h5py.SoftLink):
            attrs = root[child].attrs.asdict()
            if attrs != {"_SOFT_LINK": {"path": link.path}}:
                mismatches.append(f"{child}: soft link spelled {attrs}")
            continue
        zobj = root[child]
        zattrs = zobj.attrs.asdict()
        for key, value in h5obj.attrs.items():
            counts["attributes"] += 1
            got = attr_plain(zattrs.get(key))
            want = plain(value)
            if got != want:
                mismatches.append(f"{child} @{key}: zarr {got!r} h5py {want!r}")
        if isinstance(h5obj, h5py.Group):
            walk(h5obj, child)
            continue
        if "_EXTERNAL_ARRAY_LINK" in zattrs:
            continue
        counts["arrays"] += 1
        data = zobj[...]
        if zattrs.get("_SCALAR"):
            data = data[0]
        want = plain(h5obj[()])
        got = plain(data)
        if got != want:
            mismatches.append(f"{child}: zarr {str(got)[:200]} h5py {str(want)[:200]}")


for lindi_path, h5_path in zip(sys.argv[1::2], sys.argv[2::2]):
    with open(lindi_path) as f:
        rfs = json.load(f)
    # LINDI stores metadata documents as JSON objects (lindi PR #40); fsspec of this age expects
    # their text, as LINDI's own reference store hands it to zarr.
    rfs["refs"] = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in rfs["refs"].items()}
    fs = fsspec.filesystem("reference", fo=rfs)
    root = zarr.open_group(fs.get_mapper(""), mode="r")
    h5 = h5py.File(h5_path, "r")
    before = len(mismatches)
    walk(h5, "")
    mismatches[before:] = [f"{h5_path}: {m}" for m in mismatches[before:]]
print(json.dumps({**counts, "mismatches": mismatches}))
