//! Lists fit the width without cutting ids, amounts or dates; records wrap; cells are escaped.

use super::*;

fn widest_line(table: &str) -> usize {
    table.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

#[test]
fn lists_fit_the_width_by_shortening_text_columns() {
    let rows = vec![vec![
        "1".to_owned(),
        "2027-06-04 13:00".to_owned(),
        "x".repeat(300),
    ]];
    let table = list(&[fixed("id"), fixed("start"), text("notes")], rows, 60);
    assert!(widest_line(&table) <= 60, "{table}");
    assert!(
        table.contains("2027-06-04 13:00"),
        "fixed columns stay whole: {table}"
    );
    assert!(table.contains('…'));
}

#[test]
fn ids_amounts_and_dates_are_never_cut_low_priority_columns_go_first() {
    let columns = [
        number("id"),
        text("client"),
        number("total"),
        fixed("created"),
        text("email").optional(1),
    ];
    let rows = vec![vec![
        "12476".to_owned(),
        "Kevin Casey of a rather long company name".to_owned(),
        "12000.00".to_owned(),
        "2026-12-03 13:28".to_owned(),
        "kevin.casey@a-rather-long-domain.example.com".to_owned(),
    ]];
    let table = list(&columns, rows, 60);
    assert!(widest_line(&table) <= 60, "{table}");
    for whole in ["12476", "12000.00", "2026-12-03 13:28"] {
        assert!(table.contains(whole), "{whole} cut: {table}");
    }
    assert!(
        !table.contains("email"),
        "the optional column went first: {table}"
    );
}

#[test]
fn a_list_too_narrow_for_its_columns_becomes_records() {
    let columns = [number("id"), fixed("start"), number("total")];
    let rows = vec![vec![
        "1".to_owned(),
        "2027-06-04 13:00".to_owned(),
        "12000.00".to_owned(),
    ]];
    let shown = list(&columns, rows, 24);
    assert!(shown.starts_with("-[ RECORD 1 ]"), "{shown}");
    assert!(shown.contains("start | 2027-06-04 13:00"), "{shown}");
    assert!(widest_line(&shown) <= 24, "{shown}");
}

#[test]
fn numbers_are_right_aligned() {
    let table = list(
        &[number("total"), text("name")],
        vec![
            vec!["5.00".into(), "a".into()],
            vec!["12000.00".into(), "b".into()],
        ],
        80,
    );
    assert!(table.contains("│     5.00 │"), "{table}");
}

#[test]
fn wide_characters_are_measured_by_display_width() {
    let rows = vec![vec!["🎉".repeat(50)]];
    let table = list(&[text("name")], rows, 40);
    assert!(widest_line(&table) <= 40, "{table}");
}

#[test]
fn narrow_tables_are_left_alone() {
    let table = list(
        &[fixed("id"), text("name")],
        vec![vec!["1".into(), "Kevin".into()]],
        80,
    );
    assert!(table.contains("Kevin") && !table.contains('…'));
}

#[test]
fn records_wrap_instead_of_truncating() {
    let long = "word ".repeat(40);
    let table = record(&[("notes", long.clone())], 50);
    assert!(widest_line(&table) <= 50, "{table}");
    assert_eq!(table.matches("word").count(), 40, "nothing was cut");
}

#[test]
fn cells_never_carry_raw_escape_sequences() {
    let table = list(&[text("name")], vec![vec!["\u{1b}[2J".to_owned()]], 80);
    assert!(!table.contains('\u{1b}'));
    assert!(table.contains("\\u{1b}[2J"));
}
