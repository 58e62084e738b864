//! Binary inspection: bytes in, facts out. (Being written.)
