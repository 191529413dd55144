"""Builds the files of this folder: HDF5 data compressed with filters h5wasm lacks (HDF5 plugins).

Run with Debian's h5py and hdf5plugin (apt-get install python3-h5py python3-hdf5plugin
hdf5-filter-plugin hdf5-filter-plugin-blosc-serial), from this folder:
    /usr/bin/python3 -Es make.py && node make-zstd-bitshuffle.mjs
Debian's plugins cover Blosc, LZ4 and BZip2; the Zstd and Bitshuffle datasets are added by
make-zstd-bitshuffle.mjs with h5wasm and the h5wasm-plugins package.
"""
import shutil

import h5py
import hdf5plugin
import numpy as np

# The values every dataset of filters.h5 holds.
values = np.arange(10000, dtype="<f4").reshape(100, 100)
with h5py.File("filters.h5", "w") as f:
    f.create_dataset("blosc", data=values, chunks=(10, 100),
                     **hdf5plugin.Blosc(cname="lz4", clevel=5, shuffle=hdf5plugin.Blosc.SHUFFLE))
    f.create_dataset("lz4", data=values, chunks=(10, 100), **hdf5plugin.LZ4())
    f.create_dataset("bz2", data=values, chunks=(10, 100), **hdf5plugin.BZip2())

# PyNWB's CompressedSeries fixture with its gzip movie recompressed with Blosc (zstd inside), as
# NeuroConv does when asked for hdf5plugin compression.
shutil.copy("../../../../../fixtures/compressed_imageseries.nwb", "blosc_imageseries.nwb")
with h5py.File("blosc_imageseries.nwb", "a") as f:
    old = f["acquisition/CompressedSeries/data"]
    data, attrs, chunks = old[()], dict(old.attrs), old.chunks
    del f["acquisition/CompressedSeries/data"]
    new = f.create_dataset("acquisition/CompressedSeries/data", data=data, chunks=chunks,
                           **hdf5plugin.Blosc(cname="zstd", clevel=5, shuffle=hdf5plugin.Blosc.BITSHUFFLE))
    for key, value in attrs.items():
        new.attrs[key] = value
