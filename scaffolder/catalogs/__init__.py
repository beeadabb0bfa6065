"""Software catalogs. `base` defines the protocol; `sqlite` and `backstage` implement it."""
