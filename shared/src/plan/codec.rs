//! The roster snapshot's compact encoding, for the browser to download once per revision:
//! columnar (all district ids, then all emails, …), lengths as varints, low-cardinality
//! columns (school, scope, sync) as indexes into a small dictionary. Columns of similar strings
//! also compress well under the HTTP layer's gzip. Decoding is one pass with no parsing of text.

use thiserror::Error;

use super::{Roster, RosterUser, UserData, UserId, UserStatus};
use crate::fields::{Email, Grade, Name, Role, SchoolCode, Scope, SisId, Text};

const MAGIC: &[u8; 4] = b"RCS1";
const NONE: u8 = u8::MAX;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CodecError {
    #[error("not a roster snapshot (bad magic)")]
    BadMagic,
    #[error("the snapshot is truncated or damaged")]
    Truncated,
    #[error("the snapshot holds an invalid value: {0}")]
    Invalid(String),
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => put_varint(out, 0),
        Some(s) => {
            put_varint(out, s.len() as u64 + 1);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

struct Dict<'a> {
    values: Vec<&'a str>,
    index: std::collections::HashMap<&'a str, u64>,
}

impl<'a> Dict<'a> {
    fn new() -> Self {
        Dict {
            values: Vec::new(),
            index: Default::default(),
        }
    }
    fn id(&mut self, s: Option<&'a str>) -> u64 {
        match s {
            None => 0,
            Some(s) => {
                let next = self.values.len() as u64 + 1;
                *self.index.entry(s).or_insert_with(|| {
                    self.values.push(s);
                    next
                })
            }
        }
    }
}

fn tri(b: Option<bool>) -> u8 {
    b.map_or(NONE, u8::from)
}

/// Encodes a roster snapshot.
pub fn encode(r: &Roster) -> Vec<u8> {
    let u = &r.users;
    let mut out = Vec::with_capacity(u.len() * 96 + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&r.revision.to_le_bytes());
    put_varint(&mut out, u.len() as u64);
    let mut prev = 0i64;
    for x in u {
        let d = x.id.0.wrapping_sub(prev);
        put_varint(&mut out, ((d << 1) ^ (d >> 63)) as u64);
        prev = x.id.0;
    }
    for x in u {
        out.push(u8::from(x.status == UserStatus::Archived) | (u8::from(x.keep_active) << 1));
        out.push(x.data.role.code());
        out.push(x.data.grade.map_or(NONE, Grade::code));
        out.push(tri(x.data.limited_english));
        out.push(tri(x.data.econ_disadvantaged));
    }
    let cols: [fn(&UserData) -> Option<&str>; 7] = [
        |d| d.sis_id.as_ref().map(SisId::as_str),
        |d| d.email.as_ref().map(Email::as_str),
        |d| Some(&d.first_name),
        |d| Some(&d.last_name),
        |d| d.middle_name.as_deref(),
        |d| d.state_id.as_deref(),
        |d| d.alt_id.as_deref(),
    ];
    for col in cols {
        for x in u {
            put_str(&mut out, col(&x.data));
        }
    }
    let mut dict = Dict::new();
    let ids: Vec<[u64; 3]> = u
        .iter()
        .map(|x| {
            [
                dict.id(Some(&x.data.school)),
                dict.id(Some(&x.data.scope)),
                dict.id(x.managed_by.as_deref()),
            ]
        })
        .collect();
    put_varint(&mut out, dict.values.len() as u64);
    for v in &dict.values {
        put_str(&mut out, Some(v));
    }
    for x in ids.iter().flatten() {
        put_varint(&mut out, *x);
    }
    out
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Result<u8, CodecError> {
        let v = *self.b.get(self.at).ok_or(CodecError::Truncated)?;
        self.at += 1;
        Ok(v)
    }
    fn varint(&mut self) -> Result<u64, CodecError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(CodecError::Invalid("varint too long".into()))
    }
    fn str(&mut self) -> Result<Option<&'a str>, CodecError> {
        let n = self.varint()?;
        if n == 0 {
            return Ok(None);
        }
        let n = usize::try_from(n - 1).map_err(|_| CodecError::Truncated)?;
        let end = self.at.checked_add(n).ok_or(CodecError::Truncated)?;
        let bytes = self.b.get(self.at..end).ok_or(CodecError::Truncated)?;
        self.at = end;
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| CodecError::Invalid("text is not UTF-8".into()))
    }
}

/// Decodes a roster snapshot. Every value is re-parsed into its domain type: a damaged or
/// hostile snapshot is an error, never a panic.
pub fn decode(bytes: &[u8]) -> Result<Roster, CodecError> {
    if bytes.get(..4) != Some(MAGIC.as_slice()) {
        return Err(CodecError::BadMagic);
    }
    let rev: [u8; 8] = bytes
        .get(4..12)
        .and_then(|s| s.try_into().ok())
        .ok_or(CodecError::Truncated)?;
    let mut c = Cursor { b: bytes, at: 12 };
    let n = usize::try_from(c.varint()?).map_err(|_| CodecError::Truncated)?;
    if n > bytes.len() {
        return Err(CodecError::Truncated);
    }
    let mut ids = Vec::with_capacity(n);
    let mut prev = 0i64;
    for _ in 0..n {
        let z = c.varint()?;
        let d = ((z >> 1) as i64) ^ -((z & 1) as i64);
        prev = prev.wrapping_add(d);
        ids.push(UserId(prev));
    }
    let mut fixed = Vec::with_capacity(n);
    for _ in 0..n {
        fixed.push([c.byte()?, c.byte()?, c.byte()?, c.byte()?, c.byte()?]);
    }
    let mut strs: [Vec<Option<&str>>; 7] = Default::default();
    for col in &mut strs {
        col.reserve(n);
        for _ in 0..n {
            col.push(c.str()?);
        }
    }
    let dn = usize::try_from(c.varint()?).map_err(|_| CodecError::Truncated)?;
    if dn > bytes.len() {
        return Err(CodecError::Truncated);
    }
    let mut dict = Vec::with_capacity(dn);
    for _ in 0..dn {
        dict.push(c.str()?.unwrap_or(""));
    }
    let word = |c: &mut Cursor<'_>| -> Result<Option<&str>, CodecError> {
        match c.varint()? {
            0 => Ok(None),
            i => dict
                .get((i - 1) as usize)
                .copied()
                .map(Some)
                .ok_or(CodecError::Invalid("dictionary index".into())),
        }
    };
    let tri = |b: u8| match b {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    };
    let invalid = |what: &str, v: &str| CodecError::Invalid(format!("{what} `{v}`"));
    fn typed<T, E>(
        v: &str,
        what: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<T, CodecError> {
        parse(v).map_err(|_| CodecError::Invalid(format!("{what} `{v}`")))
    }
    fn opt<T, E>(
        v: Option<&str>,
        what: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Option<T>, CodecError> {
        v.map(|v| typed(v, what, parse)).transpose()
    }
    let mut users = Vec::with_capacity(n);
    for i in 0..n {
        let [status, role, grade, le, ed] = fixed[i];
        if status > 3 {
            return Err(CodecError::Invalid("status".into()));
        }
        let school = typed(word(&mut c)?.unwrap_or(""), "school", SchoolCode::parse)?;
        let scope = typed(word(&mut c)?.unwrap_or(""), "scope", Scope::parse)?;
        let managed_by = word(&mut c)?.map(str::to_owned);
        let sis_id = match strs[0][i] {
            Some(s) => Some(SisId::parse(s).map_err(|_| invalid("district id", s))?),
            None => None,
        };
        let email = match strs[1][i] {
            Some(s) => Some(Email::parse(s).map_err(|_| invalid("email", s))?),
            None => None,
        };
        users.push(RosterUser {
            id: ids[i],
            data: UserData {
                sis_id,
                email,
                first_name: typed(strs[2][i].unwrap_or(""), "first name", Name::parse)?,
                last_name: typed(strs[3][i].unwrap_or(""), "last name", Name::parse)?,
                middle_name: opt(strs[4][i], "middle name", Name::parse)?,
                role: Role::from_code(role).ok_or_else(|| CodecError::Invalid("role".into()))?,
                grade: if grade == NONE {
                    None
                } else {
                    Some(
                        Grade::from_code(grade)
                            .ok_or_else(|| CodecError::Invalid("grade".into()))?,
                    )
                },
                school,
                state_id: opt(strs[5][i], "state id", Text::parse)?,
                alt_id: opt(strs[6][i], "alternate id", Text::parse)?,
                limited_english: tri(le),
                econ_disadvantaged: tri(ed),
                scope,
            },
            status: match status & 1 {
                1 => UserStatus::Archived,
                _ => UserStatus::Active,
            },
            managed_by,
            keep_active: status & 2 != 0,
        });
    }
    Ok(Roster {
        revision: u64::from_le_bytes(rev),
        users,
    })
}
