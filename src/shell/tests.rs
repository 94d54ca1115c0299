//! The shell's own handlers on a demo database: forms, cancelling, menus.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use super::*;
use crate::domain::Email;
use crate::service::demo;
use crate::ui::prompter::ScriptedPrompter;

/// Standard output the test can read back.
#[derive(Clone, Default)]
struct Captured(Rc<RefCell<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A shell on a demo database, logged in as Alice (management), answering forms from
/// `answers`.
fn shell(dir: &tempfile::TempDir, answers: ScriptedPrompter) -> (Shell, Captured) {
    let config = Config {
        secret: Some("a test secret of at least thirty-two bytes".into()),
        ..Config::in_dir(dir.path())
    };
    let mut ctx = Context::open(config.clone()).unwrap();
    demo::load(&mut ctx).unwrap();
    crate::service::auth::login(
        &mut ctx,
        &Email::parse("alice.manager@epic.com").unwrap(),
        demo::DEMO_PASSWORD,
        None,
    )
    .unwrap();
    let out = Captured::default();
    let shell = Shell {
        backend: crate::backend::Backend::Local(Box::new(ctx)),
        config,
        prompter: Box::new(answers),
        out: Output::new(Box::new(out.clone())),
        pager: None,
        mode: Mode::Repl,
        menu: None,
        words: Vec::new(),
        width: 100,
        stdout_terminal: false,
        was_command: false,
    };
    (shell, out)
}

/// The shell's database.
fn local(shell: &Shell) -> &Context {
    match &shell.backend {
        crate::backend::Backend::Local(ctx) => ctx,
        crate::backend::Backend::Remote(_) => unreachable!("the tests' shells are local"),
    }
}

fn text(out: &Captured) -> String {
    String::from_utf8(out.0.borrow().clone()).unwrap()
}

#[test]
fn a_form_asks_for_every_field_not_given_as_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let answers = ScriptedPrompter::new([
        Some("EMP-0042"),
        Some("Nina Martin"),
        Some("nina@epic.com"),
        Some("+33 6 12 34 56 78"),
        Some("a new password!"),
    ]);
    let (mut shell, out) = shell(&dir, answers);
    shell.execute("users create --department sales").unwrap();
    assert!(
        text(&out).contains("Created Nina Martin <nina@epic.com>, sales (collaborator 6)."),
        "{}",
        text(&out)
    );
    let nina = crate::service::users::get(local(&shell), 6).unwrap();
    assert_eq!(nina.employee_number, "EMP-0042");
    assert_eq!(nina.phone, "+33 6 12 34 56 78");
}

#[test]
fn an_update_form_changes_only_the_fields_picked() {
    let dir = tempfile::tempdir().unwrap();
    // Pick "phone" and "department", keep the default phone, choose support.
    let answers = ScriptedPrompter::new([Some("phone,department"), Some(""), Some("support")]);
    let (mut shell, out) = shell(&dir, answers);
    shell.execute("users update 2").unwrap();
    let bill = crate::service::users::get(local(&shell), 2).unwrap();
    assert_eq!(bill.department, crate::domain::Department::Support);
    assert_eq!(bill.phone, "+33 1 00 00 00 02");
    assert_eq!(bill.full_name, "Bill Boquet");
    assert!(text(&out).contains("moved from sales to support"));
}

#[test]
fn cancelling_a_form_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let answers = ScriptedPrompter::new([Some("EMP-0042"), None]);
    let (mut shell, _) = shell(&dir, answers);
    let err = shell
        .execute("users create --department sales")
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled));
    assert_eq!(
        crate::service::count(local(&shell), &crate::service::users::Filter::default())
            .unwrap()
            .counted(),
        5
    );
}

#[test]
fn menus_are_entered_and_left() {
    let dir = tempfile::tempdir().unwrap();
    let (mut shell, _) = shell(&dir, ScriptedPrompter::default());
    shell.execute("users").unwrap();
    assert_eq!(shell.menu, Some(Menu::Users));
    shell.execute("back").unwrap();
    assert_eq!(shell.menu, None);
    assert_eq!(shell.execute("exit").unwrap(), Flow::Exit);
}
