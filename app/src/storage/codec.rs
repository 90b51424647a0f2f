//! How the domain's machine-named enums are stored: as their machine name, in a text
//! column, on either database. A stored name this version does not know is an error.

use crate::domain::*;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

macro_rules! stored_by_machine_name {
    ($($name:ty),+ $(,)?) => {$(
        impl<DB: Database> Type<DB> for $name
        where
            str: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $name
        where
            &'q str: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                <&str as Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $name
        where
            &'r str: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<'r, DB>>::decode(value)?;
                <$name>::from_machine(text).ok_or_else(|| {
                    format!("{text:?} is not a {} this version knows", stringify!($name)).into()
                })
            }
        }
    )+};
}

stored_by_machine_name!(
    MemberKind,
    Region,
    PlanStatus,
    MilestoneStatus,
    OgpValue,
    Stage,
    ScaleSet,
    AssessmentSource,
    AssessmentStatus,
    Role,
    AuditAction,
    LinkPurpose,
    RecordKind,
    ChangeCause,
);
