//! Integration tests of the raw relay and its load, over real UDP on 127.0.0.1.

mod relay;
