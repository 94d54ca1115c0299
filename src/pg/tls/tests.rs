use super::*;

#[test]
fn the_settings_libpq_reads_are_taken_out_of_the_url() {
    let (rest, settings) = split_settings(
        "postgres://crm:pw@db:5432/crm?sslmode=verify-full&application_name=x&sslrootcert=%2Fetc%2Fca.pem",
    );
    assert_eq!(rest, "postgres://crm:pw@db:5432/crm?application_name=x");
    assert_eq!(settings.mode.as_deref(), Some("verify-full"));
    assert_eq!(settings.root_cert.as_deref(), Some("/etc/ca.pem"));
    let (rest, settings) = split_settings("postgres://db/crm?sslmode=require");
    assert_eq!(rest, "postgres://db/crm");
    assert_eq!(settings.mode.as_deref(), Some("require"));
    let (rest, settings) = split_settings("postgres://db/crm");
    assert_eq!(rest, "postgres://db/crm");
    assert_eq!(settings, Settings::default());
}

#[test]
fn percent_escapes_decode_and_broken_ones_stay_as_written() {
    assert_eq!(percent_decoded("%2Fa%20b"), "/a b");
    assert_eq!(percent_decoded("100%"), "100%");
    assert_eq!(percent_decoded("%zz%2"), "%zz%2");
    assert_eq!(percent_decoded("é%C3%A9"), "éé");
}

#[test]
fn an_unknown_sslmode_or_an_unreadable_root_file_is_a_reason_in_words() {
    let reason = |url| target(url).err().expect("refused");
    assert_eq!(
        reason("postgres://db/crm?sslmode=allow"),
        "sslmode must be disable, prefer, require, verify-ca or verify-full"
    );
    assert_eq!(
        reason("postgres://db/crm?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"),
        "sslrootcert /nonexistent/ca.pem is not a readable PEM certificate file"
    );
    assert_eq!(
        reason("postgres://db/crm?sslmode=require&connect_timeout=soon"),
        "the URL is not valid"
    );
    assert!(target("postgres://db/crm?sslmode=verify-full").is_ok());
    assert!(target("postgresql://u:p@db/crm?sslmode=disable").is_ok());
}

#[test]
fn a_connection_waits_ten_seconds_for_the_server_unless_the_url_says() {
    let timeout = |url| {
        target(url)
            .ok()
            .and_then(|t| t.config.get_connect_timeout().copied())
    };
    assert_eq!(
        timeout("postgres://db/crm"),
        Some(std::time::Duration::from_secs(10))
    );
    assert_eq!(
        timeout("postgres://db/crm?connect_timeout=3&sslmode=require"),
        Some(std::time::Duration::from_secs(3))
    );
}
