//! [project] (PEP 621) -> Core Metadata. (Being written.)
