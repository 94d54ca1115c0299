//! Filling in fields: from flags, else from a form on a terminal, else an error naming the
//! missing flag (PRODUCT.md §2).

use std::io::Write;

use super::Shell;
use super::field_args::{FieldArgs, FieldSet};
use crate::backend::Backend;
use crate::backend::ops::account::Complete;
use crate::domain::Id;
use crate::domain::field::{Field as _, Fielded, Spec, Values};
use crate::error::{Error, Result};
use crate::service::completion::{self, IdKind};
use crate::ui::prompter::Question;

/// How a field is asked for and named.
pub struct Field {
    /// The flag, e.g. `--full-name`.
    pub flag: &'static str,
    /// The form label, e.g. `Full name:`.
    pub label: &'static str,
    pub help: Option<&'static str>,
}

impl Field {
    /// How an entity's field, as its table describes it, is asked for.
    pub fn of(spec: &'static Spec) -> Field {
        Field {
            flag: spec.flag,
            label: spec.label,
            help: spec.hint,
        }
    }
}

/// A record's fields as `show` lists them: each field of its table, in form order.
pub(super) fn shown_fields<R: Fielded>(record: &R) -> Vec<(String, String)> {
    R::Field::ALL
        .iter()
        .map(|f| (f.spec().label.to_lowercase(), record.display(*f)))
        .collect()
}

impl Shell {
    /// The values of a creation: each field of `S` from its flag, else (on a terminal) asked
    /// by `ask` in form order, else `Missing` naming the first required flag missing. `ask`
    /// is told every field the form asks, so a check that spans fields knows which are coming.
    pub(super) fn fill<S, V>(
        &mut self,
        args: &FieldArgs<S>,
        values: &mut V,
        mut ask: impl FnMut(&mut Shell, &mut V, S::Field, &[S::Field]) -> Result<()>,
    ) -> Result<()>
    where
        S: FieldSet,
        V: Values<Field = S::Field>,
    {
        // Every value given as a flag first: a bad one fails before the form opens, and the
        // questions can be checked against all of them.
        for (field, input) in &args.given {
            values.set(*field, input)?;
        }
        let asked: Vec<S::Field> = FieldArgs::<S>::fields()
            .filter(|f| args.get(*f).is_none())
            .collect();
        let interactive = self.prompter.is_interactive();
        for &field in &asked {
            if interactive {
                ask(self, values, field, &asked)?;
            } else if !field.optional() {
                return Err(Error::missing(field.spec().flag));
            }
        }
        Ok(())
    }

    /// The patch of an update: the flags given; else, on a terminal, the fields the user
    /// picks, asked by `ask` (with their current values); else a usage error listing the flags.
    pub(super) fn patch<S, V>(
        &mut self,
        args: &FieldArgs<S>,
        mut ask: impl FnMut(&mut Shell, &mut V, S::Field, &[S::Field]) -> Result<()>,
    ) -> Result<V>
    where
        S: FieldSet,
        V: Values<Field = S::Field>,
    {
        let mut values = V::default();
        if !args.is_empty() {
            for (field, input) in &args.given {
                values.set(*field, input)?;
            }
            return Ok(values);
        }
        let fields: Vec<S::Field> = FieldArgs::<S>::fields().collect();
        let flags: Vec<&'static str> = fields.iter().map(|f| f.spec().flag).collect();
        let labels: Vec<String> = fields
            .iter()
            .map(|f| f.spec().label.to_lowercase())
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let picked: Vec<S::Field> = self
            .pick_fields(&flags, &labels)?
            .into_iter()
            .map(|index| fields[index])
            .collect();
        for field in &picked {
            ask(self, &mut values, *field, &picked)?;
        }
        Ok(values)
    }

    /// Asks for `field` of `values`, with `default` pre-filled, checked as `values` parses it:
    /// the form question of a field that needs nothing special.
    pub(super) fn ask_field<V: Values>(
        &mut self,
        values: &mut V,
        field: V::Field,
        default: Option<&str>,
    ) -> Result<()> {
        let answer = self.ask(&Field::of(field.spec()), default, |input| {
            V::default().set(field, input).map(|()| input.to_owned())
        })?;
        values.set(field, &answer)
    }

    /// A required field: the flag's value if given, else asked on a terminal, else `Missing`.
    /// A value given as a flag that does not parse is an error; a typed one is asked again.
    pub(super) fn required<T>(
        &mut self,
        given: Option<String>,
        field: &Field,
        parse: impl Fn(&str) -> Result<T>,
    ) -> Result<T> {
        self.required_checked(given, field, |_, input| parse(input))
    }

    /// [`Shell::required`], with a check that reads the database (an email nobody else
    /// uses): on a terminal it runs at the field, so only that field is asked again.
    pub(super) fn required_checked<T>(
        &mut self,
        given: Option<String>,
        field: &Field,
        parse: impl Fn(&mut Backend, &str) -> Result<T>,
    ) -> Result<T> {
        if let Some(value) = given {
            return parse(&mut self.backend, &value);
        }
        self.ask_checked(field, None, parse)
    }

    /// Asks for `field` on a terminal, with `default` pre-filled.
    pub(super) fn ask<T>(
        &mut self,
        field: &Field,
        default: Option<&str>,
        parse: impl Fn(&str) -> Result<T>,
    ) -> Result<T> {
        self.ask_checked(field, default, |_, input| parse(input))
    }

    /// [`Shell::ask`], with a check that reads the database.
    pub(super) fn ask_checked<T>(
        &mut self,
        field: &Field,
        default: Option<&str>,
        parse: impl Fn(&mut Backend, &str) -> Result<T>,
    ) -> Result<T> {
        if !self.prompter.is_interactive() {
            return Err(Error::missing(field.flag));
        }
        // What the command printed so far shows before the question.
        self.out.flush()?;
        let Shell {
            backend, prompter, ..
        } = self;
        // The check runs at each answer, from a callback that only reads: the backend is
        // borrowed for the call alone.
        let backend = std::cell::RefCell::new(backend);
        let validate = |input: &str| {
            parse(&mut backend.borrow_mut(), input)
                .map(drop)
                .map_err(|e| match e {
                    // The field is the one being asked: its reason is enough.
                    Error::Invalid { reason, .. } => reason,
                    other => other.to_string(),
                })
        };
        let answer = prompter.text(&Question {
            label: field.label,
            default,
            help: field.help,
            validate: &validate,
        })?;
        parse(&mut self.backend, &answer)
    }

    /// An id field: the flag's value if given; else, on a terminal, a choice among the records
    /// the user may pick (those Tab would offer), with a way to type another id when there are
    /// more than the list shows.
    pub(super) fn required_id(
        &mut self,
        given: Option<String>,
        field: &Field,
        field_name: &'static str,
        kind: IdKind,
    ) -> Result<i64> {
        if let Some(value) = given {
            return Ok(Id::parse(field_name, &value)?.get());
        }
        if !self.prompter.is_interactive() {
            return Err(Error::missing(field.flag));
        }
        let candidates: Vec<(i64, String)> = self
            .backend
            .run(Complete {
                kind,
                prefix: String::new(),
            })?
            .candidates
            .into_iter()
            .map(|c| (c.id, c.label))
            .collect();
        if candidates.is_empty() {
            return Err(Error::refused(format!(
                "there is no {field_name} you can choose here"
            )));
        }
        let mut labels: Vec<String> = candidates
            .iter()
            .map(|(id, label)| format!("{id}  {label}"))
            .collect();
        let more = candidates.len() >= completion::LIMIT as usize;
        if more {
            labels.push("Another one: type its id".to_owned());
        }
        self.out.flush()?;
        let index = self.prompter.select(field.label, &labels)?;
        match candidates.get(index) {
            Some((id, _)) => Ok(*id),
            None => Ok(self.ask(field, None, |v| Id::parse(field_name, v))?.get()),
        }
    }

    /// A choice among `options` (given as a flag, or selected on a terminal).
    pub(super) fn choose<T: Copy>(
        &mut self,
        given: Option<String>,
        field: &Field,
        options: &[(&str, T)],
        parse: impl Fn(&str) -> Result<T>,
    ) -> Result<T> {
        if let Some(value) = given {
            return parse(&value);
        }
        if !self.prompter.is_interactive() {
            return Err(Error::missing(field.flag));
        }
        let labels: Vec<String> = options
            .iter()
            .map(|(label, _)| (*label).to_owned())
            .collect();
        self.out.flush()?;
        let index = self.prompter.select(field.label, &labels)?;
        Ok(options[index].1)
    }

    /// On a terminal, when an update got no flag: which fields to change. Returns their
    /// indexes in `labels`; an empty choice changes nothing.
    pub(super) fn pick_fields(
        &mut self,
        flags: &[&'static str],
        labels: &[&str],
    ) -> Result<Vec<usize>> {
        if !self.prompter.is_interactive() {
            return Err(Error::Usage(format!(
                "nothing to update: give at least one of {}",
                flags.join(", ")
            )));
        }
        let labels: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
        self.out.flush()?;
        // An empty choice is an update that changes nothing: the caller says so.
        self.prompter
            .multi_select("Which fields do you want to change?", &labels)
    }

    /// A new password, asked twice on a terminal (its length checked at the first), read as
    /// the next line of input otherwise.
    pub(super) fn new_password(&mut self, label: &str) -> Result<crate::domain::Password> {
        let check = |typed: &str| {
            crate::domain::Password::parse(typed.to_owned())
                .map(drop)
                .map_err(|err| match err {
                    Error::Invalid { reason, .. } => reason,
                    other => other.to_string(),
                })
        };
        self.out.flush()?;
        let typed = self.prompter.password(label, true, &check)?;
        crate::domain::Password::parse(typed)
    }

    /// Asks "are you sure?" on a terminal; scripts and `--yes` go ahead.
    pub(super) fn confirm(&mut self, question: &str, yes: bool) -> Result<()> {
        if yes || !self.prompter.is_interactive() {
            return Ok(());
        }
        self.out.flush()?;
        if self.prompter.confirm(question, false)? {
            Ok(())
        } else {
            Err(Error::Cancelled)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::field::Field;
    use crate::domain::{ClientField, CollaboratorField, ContractField, EventField};

    /// Every field of `F` is a key of the JSON and CSV views whose keys are `keys` (CSV
    /// columns are named by hand: a new field must be added there too).
    fn exported<F: Field>(keys: &[&str]) {
        for field in F::ALL {
            let key = field.spec().key;
            assert!(keys.contains(&key), "{field:?}: no `{key}` key");
        }
    }

    #[test]
    fn every_field_is_a_json_and_csv_key() {
        exported::<ClientField>(super::super::clients::KEYS);
        exported::<ContractField>(super::super::contracts::KEYS);
        exported::<EventField>(super::super::events::KEYS);
        exported::<CollaboratorField>(super::super::users::KEYS);
    }
}
