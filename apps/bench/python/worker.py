"""The Python side of one measured job of the nwbjs bench (see ../src/protocol.ts).

Run as `python3 -Es worker.py JOB_JSON`; prints one JSON line: seconds, peakRssBytes, extra.
It uses what a user would reach for instead of nwbjs: h5py and zarr-python (Debian's python3-h5py
and python3-zarr), writing and copying arrays chunk by chunk. The movie it writes must be the same
bytes as the Node side's: see movie_slab() and ../src/movie.ts.
"""
import json
import resource
import sys
import time

import h5py
import numcodecs
import numpy as np
import zarr

FRAME_SIDE = 512
POOL_FRAMES = 64
SLAB_FRAMES = 64
MOVIE_GROUP = "acquisition/movie"
SLAB_BYTES = 16 * 1024 * 1024


def peak_rss_bytes():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def movie_slab(pool, start, stop):
    """Frames [start, stop): pool frame (f * 37) % 64 with f stamped little-endian in its first 4 bytes."""
    index = np.arange(start, stop)
    slab = pool[(index * 37) % POOL_FRAMES]  # fancy indexing: a fresh array, like a camera buffer
    slab.reshape(stop - start, -1)[:, :4] = index.astype("<u4").view(np.uint8).reshape(-1, 4)
    return slab


def write(job):
    pool = np.fromfile(job["poolPath"], dtype=np.uint8).reshape(POOL_FRAMES, FRAME_SIDE, FRAME_SIDE)
    frames = job["frames"]
    level = job["gzipLevel"]
    shape = (frames, FRAME_SIDE, FRAME_SIDE)
    chunks = (1, FRAME_SIDE, FRAME_SIDE)
    started = time.perf_counter()
    if job["format"] == "hdf5":
        with h5py.File(job["path"], "w") as f:
            group = f.create_group(MOVIE_GROUP)
            options = {} if level is None else {"compression": "gzip", "compression_opts": level}
            data = group.create_dataset("data", shape=shape, dtype="u1", chunks=chunks, **options)
            for start in range(0, frames, SLAB_FRAMES):
                stop = min(frames, start + SLAB_FRAMES)
                data[start:stop] = movie_slab(pool, start, stop)
    else:
        root = zarr.open_group(zarr.DirectoryStore(job["path"]), mode="w")
        group = root.require_group(MOVIE_GROUP)
        compressor = None if level is None else numcodecs.GZip(level=level)
        data = group.create_dataset("data", shape=shape, dtype="u1", chunks=chunks, compressor=compressor)
        for start in range(0, frames, SLAB_FRAMES):
            stop = min(frames, start + SLAB_FRAMES)
            data[start:stop] = movie_slab(pool, start, stop)
    return {"seconds": time.perf_counter() - started, "extra": {"bytes": frames * FRAME_SIDE * FRAME_SIDE}}


def open_movie(job):
    path = "/" + MOVIE_GROUP + "/data"
    if job["format"] == "hdf5":
        f = h5py.File(job["path"], "r")
        return f, f[path]
    group = zarr.open_group(zarr.DirectoryStore(job["path"]), mode="r")
    return None, group[path.lstrip("/")]


def read_frames(job):
    handle, data = open_movie(job)
    if job.get("into"):
        # Every frame into one array, as ours with `out` (HDF5 only).
        out = np.empty(data.shape[1:], dtype=data.dtype)

        def read(f):
            data.read_direct(out, np.s_[f])
            return out

    else:

        def read(f):
            return data[f]

    read(0)  # warm-up: opens the dataset and its codec
    started = time.perf_counter()
    checksum = 0
    for f in job["frames"]:
        checksum += int(read(f).reshape(-1)[4])
    seconds = time.perf_counter() - started
    if handle is not None:
        handle.close()
    return {"seconds": seconds, "extra": {"frames": len(job["frames"]), "checksum": checksum}}


def read_whole(job):
    handle, data = open_movie(job)
    started = time.perf_counter()
    everything = data[:]
    seconds = time.perf_counter() - started
    if handle is not None:
        handle.close()
    return {"seconds": seconds, "extra": {"bytes": int(everything.nbytes)}}


# --- conversion: what a user without hdmf-zarr would write: copy the tree, arrays chunk by chunk ---


def jsonable(value):
    """An HDF5 attribute value as JSON (bytes decoded, references as their path text)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()] if value.dtype.kind in "OSU" else value.tolist()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (h5py.Reference, h5py.RegionReference)):
        return str(value)
    return value


def row_step(shape, chunks, itemsize):
    """Rows per copy: whole chunk rows, about SLAB_BYTES at a time."""
    row_bytes = itemsize * int(np.prod(shape[1:], dtype=np.int64)) if len(shape) > 1 else itemsize
    rows = max(1, SLAB_BYTES // max(1, row_bytes))
    chunk_rows = chunks[0] if chunks else 1
    return max(chunk_rows, rows // chunk_rows * chunk_rows)


def copy_rows(source, target):
    shape = source.shape
    if len(shape) == 0 or shape[0] == 0:
        target[...] = source[...]
        return
    step = row_step(shape, source.chunks, source.dtype.itemsize)
    for start in range(0, shape[0], step):
        target[start:start + step] = source[start:start + step]


def h5_to_zarr(source, target):
    for name, value in source.attrs.items():
        target.attrs[name] = jsonable(value)
    for name, child in source.items():
        if isinstance(child, h5py.Group):
            h5_to_zarr(child, target.create_group(name))
        elif child.dtype.kind in "biuf" and child.dtype.names is None:
            compressor = numcodecs.GZip(level=child.compression_opts or 4) if child.compression == "gzip" else None
            shape = child.shape if child.shape != () else (1,)
            array = target.create_dataset(
                name, shape=shape, dtype=child.dtype, chunks=child.chunks or shape or (1,), compressor=compressor
            )
            if child.shape == ():
                array[0] = child[()]
            else:
                copy_rows(child, array)
            for key, value in child.attrs.items():
                array.attrs[key] = jsonable(value)
        else:
            values = jsonable(np.asarray(child[()]).reshape(-1))
            array = target.create_dataset(
                name, data=np.array([str(v) for v in values], dtype=object), object_codec=numcodecs.VLenUTF8()
            )
            for key, value in child.attrs.items():
                array.attrs[key] = jsonable(value)


def zarr_to_h5(source, target):
    for name, value in source.attrs.asdict().items():
        target.attrs[name] = json.dumps(value) if isinstance(value, (dict, list)) and not is_flat(value) else value
    for name, child in source.items():
        if isinstance(child, zarr.hierarchy.Group):
            zarr_to_h5(child, target.create_group(name))
        elif child.dtype.kind in "biuf":
            options = {}
            if child.compressor is not None and child.compressor.codec_id in ("gzip", "zlib"):
                options = {"compression": "gzip", "compression_opts": child.compressor.level}
            array = target.create_dataset(name, shape=child.shape, dtype=child.dtype, chunks=child.chunks, **options)
            copy_rows(child, array)
            copy_zarr_attrs(child, array)
        else:
            array = target.create_dataset(name, data=child[:].astype(object), dtype=h5py.string_dtype())
            copy_zarr_attrs(child, array)


def is_flat(value):
    return isinstance(value, list) and all(isinstance(v, (int, float, str)) for v in value) and len(
        {type(v) for v in value}
    ) <= 1


def copy_zarr_attrs(source, target):
    for key, value in source.attrs.asdict().items():
        target.attrs[key] = json.dumps(value) if isinstance(value, (dict, list)) and not is_flat(value) else value


def convert(job):
    started = time.perf_counter()
    if job["from"] == "hdf5":
        with h5py.File(job["input"], "r") as source:
            target = zarr.open_group(zarr.DirectoryStore(job["output"]), mode="w")
            h5_to_zarr(source, target)
            zarr.consolidate_metadata(target.store)
    else:
        source = zarr.open_group(zarr.DirectoryStore(job["input"]), mode="r")
        with h5py.File(job["output"], "w") as target:
            zarr_to_h5(source, target)
    return {"seconds": time.perf_counter() - started}


JOBS = {"write": write, "read-frames": read_frames, "read-whole": read_whole, "convert": convert}


def main():
    job = json.loads(sys.argv[1])
    run = JOBS.get(job["kind"])
    if run is None:
        raise SystemExit(f"worker.py: job kind {job['kind']!r} has no Python side")
    result = run(job)
    result["peakRssBytes"] = peak_rss_bytes()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
