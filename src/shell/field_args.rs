//! An entity's field flags, made from its field table (`domain::field`): `--full-name`,
//! `--email`… with their value names and help, in form order. What the user typed is kept by
//! field, unparsed: the handler parses it, so a bad value is a field error (exit 1) that names
//! the field, not a usage error.

use std::marker::PhantomData;

use clap::{Arg, ArgMatches, Args, Command, FromArgMatches};

use crate::domain::field::Field;

/// Which fields of an entity a command takes as flags.
pub trait FieldSet: Clone + std::fmt::Debug + Send + Sync + 'static {
    type Field: Field;

    fn includes(field: Self::Field) -> bool;
}

/// Every field of `F`.
#[derive(Debug, Clone)]
pub struct All<F>(PhantomData<F>);

impl<F: Field + Send + Sync> FieldSet for All<F> {
    type Field = F;

    fn includes(_: F) -> bool {
        true
    }
}

/// The values typed for the fields of `S`, by field, in form order.
#[derive(Debug, Clone)]
pub struct FieldArgs<S: FieldSet> {
    pub given: Vec<(S::Field, String)>,
    set: PhantomData<S>,
}

impl<S: FieldSet> FieldArgs<S> {
    /// What was typed for `field`, if anything.
    pub fn get(&self, field: S::Field) -> Option<&str> {
        self.given
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.given.is_empty()
    }

    /// The fields of the set, in form order.
    pub fn fields() -> impl Iterator<Item = S::Field> {
        S::Field::ALL.iter().copied().filter(|f| S::includes(*f))
    }
}

impl<S: FieldSet> Default for FieldArgs<S> {
    fn default() -> Self {
        FieldArgs {
            given: Vec::new(),
            set: PhantomData,
        }
    }
}

impl<S: FieldSet> FromArgMatches for FieldArgs<S> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = Self::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for field in Self::fields() {
            if let Some(value) = matches.get_one::<String>(field.spec().key) {
                self.given.retain(|(f, _)| *f != field);
                self.given.push((field, value.clone()));
            }
        }
        self.given.sort_by_key(|(f, _)| *f);
        Ok(())
    }
}

impl<S: FieldSet> Args for FieldArgs<S> {
    fn augment_args(command: Command) -> Command {
        Self::fields().fold(command, |command, field| {
            let spec = field.spec();
            command.arg(
                Arg::new(spec.key)
                    .long(spec.long())
                    .value_name(spec.value_name)
                    .help(spec.help)
                    .num_args(1),
            )
        })
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}
