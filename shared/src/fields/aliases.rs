//! Headings → fields. A heading is normalized (case, spaces, punctuation and a few filler words
//! removed) and looked up in one table of the spellings districts' exports use: Classworks'
//! headings, Pass-style (`idnumber`, `firstname`), OneRoster (`sourcedId`, `givenName`),
//! Microsoft SDS (`SIS ID`, `School SIS ID`) and common SIS spellings.

use super::Field;

/// Lower-cases and keeps only letters and digits: `First Name`, `first_name`, `FirstName` and
/// `FIRST-NAME` all become `firstname`.
pub fn normalize_heading(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Normalized heading → field. `username` is deliberately absent: it is not an email (PRODUCT.md),
/// and it can be mapped by hand.
const ALIASES: &[(&str, Field)] = &[
    // sis_id
    ("districtid", Field::SisId),
    ("idnumber", Field::SisId),
    ("studentid", Field::SisId),
    ("staffid", Field::SisId),
    ("teacherid", Field::SisId),
    ("employeeid", Field::SisId),
    ("sourcedid", Field::SisId),
    ("sisid", Field::SisId),
    ("userid", Field::SisId),
    ("districtuserid", Field::SisId),
    ("localid", Field::SisId),
    ("studentnumber", Field::SisId),
    ("personid", Field::SisId),
    ("teachernumber", Field::SisId),
    ("staffnumber", Field::SisId),
    ("employeenumber", Field::SisId),
    // names
    ("firstname", Field::FirstName),
    ("givenname", Field::FirstName),
    ("first", Field::FirstName),
    ("fname", Field::FirstName),
    ("forename", Field::FirstName),
    ("studentfirstname", Field::FirstName),
    ("legalfirstname", Field::FirstName),
    ("lastname", Field::LastName),
    ("familyname", Field::LastName),
    ("surname", Field::LastName),
    ("last", Field::LastName),
    ("lname", Field::LastName),
    ("studentlastname", Field::LastName),
    ("legallastname", Field::LastName),
    ("middlename", Field::MiddleName),
    ("middle", Field::MiddleName),
    ("middleinitial", Field::MiddleName),
    // email
    ("email", Field::Email),
    ("emailaddress", Field::Email),
    ("mail", Field::Email),
    ("emailid", Field::Email),
    ("primaryemail", Field::Email),
    ("studentemail", Field::Email),
    ("staffemail", Field::Email),
    ("useremail", Field::Email),
    // role
    ("role", Field::Role),
    ("usertype", Field::Role),
    ("type", Field::Role),
    ("userrole", Field::Role),
    ("accounttype", Field::Role),
    ("persontype", Field::Role),
    // grade
    ("grade", Field::Grade),
    ("grades", Field::Grade),
    ("gradelevel", Field::Grade),
    ("currentgrade", Field::Grade),
    ("gr", Field::Grade),
    // school
    ("school", Field::School),
    ("schoolsisid", Field::School),
    ("schoolid", Field::School),
    ("schoolcode", Field::School),
    ("schoolname", Field::School),
    ("schoolsiscode", Field::School),
    ("primaryorgsourcedid", Field::School),
    ("orgsourcedids", Field::School),
    ("orgsourcedid", Field::School),
    ("building", Field::School),
    ("buildingcode", Field::School),
    ("campus", Field::School),
    ("location", Field::School),
    ("site", Field::School),
    // other identifiers
    ("stateuserid", Field::StateId),
    ("stateid", Field::StateId),
    ("statestudentid", Field::StateId),
    ("ssid", Field::StateId),
    ("alternateuserid", Field::AltId),
    ("alternateid", Field::AltId),
    ("altid", Field::AltId),
    // flags
    ("limitedenglish", Field::LimitedEnglish),
    ("limitedenglishproficiency", Field::LimitedEnglish),
    ("lep", Field::LimitedEnglish),
    ("ell", Field::LimitedEnglish),
    ("economicallydisadvantaged", Field::EconDisadvantaged),
    ("econdisadvantaged", Field::EconDisadvantaged),
    ("economicdisadvantaged", Field::EconDisadvantaged),
    // status
    ("status", Field::Status),
    ("enableduser", Field::Status),
    ("enabled", Field::Status),
    ("active", Field::Status),
    ("accountstatus", Field::Status),
    // password
    ("password", Field::Password),
    ("pwd", Field::Password),
    ("initialpassword", Field::Password),
    // scope
    ("scope", Field::Scope),
    ("importscope", Field::Scope),
];

/// The field a heading names, if it is a known spelling.
pub fn field_for_heading(heading: &str) -> Option<Field> {
    heading_match(heading).map(|(f, _)| f)
}

/// The field a heading names and the rank of that spelling (lower is stronger): when two
/// columns name one field (`SIS ID` and `Student Number`), the stronger spelling wins. A whole
/// spelling of the table first; else the heading's words (`heading_words`), always weaker.
pub fn heading_match(heading: &str) -> Option<(Field, usize)> {
    let key = normalize_heading(heading);
    if key.is_empty() {
        return None;
    }
    ALIASES
        .iter()
        .position(|(a, _)| *a == key)
        .map(|i| (ALIASES[i].1, i))
        .or_else(|| {
            super::heading_words::words_match(heading).map(|(f, tier)| (f, ALIASES.len() + tier))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    macro_rules! maps_to {
        ($($name:ident: $heading:expr => $field:expr,)*) => {$(
            #[test]
            fn $name() { assert_eq!(field_for_heading($heading), $field); }
        )*};
    }

    maps_to! {
        classworks_first: "First Name" => Some(Field::FirstName),
        snake_first: "first_name" => Some(Field::FirstName),
        camel_first: "FirstName" => Some(Field::FirstName),
        oneroster_given: "givenName" => Some(Field::FirstName),
        pass_idnumber: "idnumber" => Some(Field::SisId),
        classworks_district: "District ID" => Some(Field::SisId),
        oneroster_sourced: "sourcedId" => Some(Field::SisId),
        sds_sis_id: "SIS ID" => Some(Field::SisId),
        sds_school: "School SIS ID" => Some(Field::School),
        classworks_user_type: "User Type" => Some(Field::Role),
        email_address: "Email Address" => Some(Field::Email),
        username_is_not_email: "username" => None,
        secondary_email_is_not_email: "Secondary Email" => None,
        enabled_user: "enabledUser" => Some(Field::Status),
        org_ids: "orgSourcedIds" => Some(Field::School),
        state_user: "State User ID" => Some(Field::StateId),
        econ: "Economically Disadvantaged" => Some(Field::EconDisadvantaged),
        blank: "   " => None,
        bom_free: "Grade Level" => Some(Field::Grade),
    }
}
