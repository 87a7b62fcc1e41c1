#!/usr/bin/env python3
"""Writes an OCI image layout (oci-layout, index.json, blobs/sha256/...) from gzipped layer tars,
deterministically (sorted compact JSON). Used by make-images.sh and Benchmarks/unpacking.sh.

    python3 oci_layout.py OUT LAYER.tar.gz...     (layers bottom first)
"""
import gzip, hashlib, json, os, sys

def dump(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()

def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

def config_for(diff_ids):
    """An image config whose rootfs lists the digests of the uncompressed layers."""
    return dump({"architecture": "amd64", "os": "linux", "config": {}, "rootfs": {"type": "layers", "diff_ids": diff_ids}})

def layout(path, manifest_layers, blobs, config, index_depth=0):
    """An OCI image layout at `path`: the manifest lists `manifest_layers` as (digest, size) pairs,
    `blobs` are written by their digest, and the manifest sits behind `index_depth` further image
    indexes."""
    os.makedirs(os.path.join(path, "blobs", "sha256"))
    def put(data):
        name = digest(data)
        with open(os.path.join(path, "blobs", "sha256", name.split(":")[1]), "wb") as out:
            out.write(data)
        return {"digest": name, "size": len(data)}
    for data in blobs:
        put(data)
    manifest = dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                     "config": dict(put(config), mediaType="application/vnd.oci.image.config.v1+json"),
                     "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s}
                                for d, s in manifest_layers]})
    top = dict(put(manifest), mediaType="application/vnd.oci.image.manifest.v1+json",
               annotations={"org.opencontainers.image.ref.name": "rootfs:1.0"})
    for _ in range(index_depth):
        index = dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [top]})
        top = dict(put(index), mediaType="application/vnd.oci.image.index.v1+json")
    with open(os.path.join(path, "index.json"), "wb") as out:
        out.write(dump({"schemaVersion": 2, "manifests": [top]}))
    with open(os.path.join(path, "oci-layout"), "wb") as out:
        out.write(dump({"imageLayoutVersion": "1.0.0"}))

def main(out, layer_files):
    blobs, diff_ids = [], []
    for name in layer_files:
        with open(name, "rb") as source:
            blobs.append(source.read())
        plain = hashlib.sha256()
        with gzip.open(name, "rb") as source:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                plain.update(chunk)
        diff_ids.append("sha256:" + plain.hexdigest())
    layout(out, [(digest(blob), len(blob)) for blob in blobs], blobs, config_for(diff_ids))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
