//! The sorted lists of the query-plan test: every sort key, both ways, alone and under each
//! filter it combines with (the walk-or-gather decisions included), as the shell runs them.

use crate::db::Db;

use super::{PAGE, SALES, SUPPORT};
use crate::domain::{ClientSort, ContractSort, EventSort, Sort};
use crate::repo::List as _;
use crate::repo::{clients, contracts, events};

/// Every sort key, both ways, alone and with each filter it combines with.
pub(super) fn every_sort(conn: &Db) {
    for descending in [false, true] {
        for key in [
            ClientSort::Created,
            ClientSort::Updated,
            ClientSort::Name,
            ClientSort::Company,
        ] {
            let sort = Sort::new(key, descending);
            for filter in [
                clients::Filter::default(),
                clients::Filter {
                    sales_contact_id: Some(SALES),
                    ..Default::default()
                },
                clients::Filter {
                    unassigned: true,
                    ..Default::default()
                },
                clients::Filter {
                    search: Some("Casey".into()),
                    ..Default::default()
                },
                clients::Filter {
                    search: Some("ou".into()),
                    ..Default::default()
                },
                clients::Filter {
                    sales_contact_id: Some(SALES),
                    search: Some("client1".into()),
                    ..Default::default()
                },
            ] {
                let filter = clients::Filter { sort, ..filter };
                filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
                filter.count(conn).unwrap();
            }
        }
        for key in [
            ContractSort::Created,
            ContractSort::Signed,
            ContractSort::Total,
            ContractSort::Remaining,
            ContractSort::Client,
        ] {
            let sort = Sort::new(key, descending);
            for filter in [
                contracts::Filter::default(),
                contracts::Filter {
                    signed: true,
                    ..Default::default()
                },
                contracts::Filter {
                    client_id: Some(42),
                    ..Default::default()
                },
                contracts::Filter {
                    sales_contact_id: Some(SALES),
                    ..Default::default()
                },
                contracts::Filter {
                    sales_contact_id: Some(SALES),
                    signed: true,
                    ..Default::default()
                },
            ] {
                let filter = contracts::Filter { sort, ..filter };
                filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
                filter.count(conn).unwrap();
            }
        }
        for key in [EventSort::Start, EventSort::Name, EventSort::Attendees] {
            let sort = Sort::new(key, descending);
            for filter in [
                events::Filter::default(),
                events::Filter {
                    client_id: Some(42),
                    ..Default::default()
                },
                events::Filter {
                    support_contact_id: Some(SUPPORT),
                    ..Default::default()
                },
                events::Filter {
                    sales_contact_id: Some(SALES),
                    ..Default::default()
                },
                // --period today, week and month: a day, a week, a month of starts.
                events::Filter {
                    from: Some("2027-01-05T00:00".into()),
                    to: Some("2027-01-06T00:00".into()),
                    ..Default::default()
                },
                events::Filter {
                    from: Some("2027-01-04T00:00".into()),
                    to: Some("2027-01-11T00:00".into()),
                    ..Default::default()
                },
                events::Filter {
                    from: Some("2027-01-01T00:00".into()),
                    to: Some("2027-02-01T00:00".into()),
                    ..Default::default()
                },
                events::Filter {
                    from: Some("2027-01-01T00:00".into()),
                    to: Some("2027-02-01T00:00".into()),
                    support_contact_id: Some(SUPPORT),
                    ..Default::default()
                },
            ] {
                let filter = events::Filter { sort, ..filter };
                filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
                filter.count(conn).unwrap();
            }
        }
    }
}
