//! Facts -> platform tags; tags vs facts -> problems. (Being written.)
