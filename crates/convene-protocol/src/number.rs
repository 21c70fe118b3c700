//! Enums the wire carries as numbers (the reference's numeric enums): one table per enum
//! gives both directions, `TryFrom<u8>` (unknown numbers refused) and `From<_> for u8`.

/// `wire_number!(Type, "what it is", { Variant = 1, ... })`: the enum's numbers, for
/// `#[serde(try_from = "u8", into = "u8")]`.
macro_rules! wire_number {
    ($name:ident, $what:literal, { $($variant:ident = $n:literal),* $(,)? }) => {
        impl TryFrom<u8> for $name {
            type Error = String;
            fn try_from(v: u8) -> Result<Self, String> {
                match v {
                    $( $n => Ok($name::$variant), )*
                    _ => Err(format!(concat!("unknown ", $what, " {}"), v)),
                }
            }
        }

        impl From<$name> for u8 {
            fn from(v: $name) -> u8 {
                match v {
                    $( $name::$variant => $n, )*
                }
            }
        }
    };
}

pub(crate) use wire_number;
