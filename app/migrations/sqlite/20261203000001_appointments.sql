-- Appointments at the town hall and the directory of public facilities.
--
-- Times are UTC milliseconds. Opening hours are written per weekday as the commune
-- states them in local (Europe/Paris) time, Monday first, days separated by '|', each
-- day a comma-separated list of 'HH:MM-HH:MM' ranges ('' for closed):
-- '09:00-12:00,14:00-17:00|09:00-12:00|…'.

-- A diary residents book slots in. It belongs to a service: its team manages it.
-- slot_minutes: length of a slot; capacity: residents received at once (desks);
-- horizon_days: how far ahead residents may book; notice_hours: how late.
CREATE TABLE agendas (
    id           INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    service_id   INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    place        TEXT    NOT NULL DEFAULT '',
    instructions TEXT    NOT NULL DEFAULT '',
    weekly_hours TEXT    NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 480),
    capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 50),
    horizon_days INTEGER NOT NULL CHECK (horizon_days BETWEEN 1 AND 365),
    notice_hours INTEGER NOT NULL CHECK (notice_hours BETWEEN 0 AND 720),
    published    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX agendas_service ON agendas (service_id);

-- Days that differ from the week: closed (hours '') or opened with other hours, from
-- first_day to last_day ('YYYY-MM-DD', Paris calendar) included.
CREATE TABLE agenda_exceptions (
    id        INTEGER PRIMARY KEY,
    agenda_id INTEGER NOT NULL REFERENCES agendas (id) ON DELETE CASCADE,
    first_day TEXT    NOT NULL,
    last_day  TEXT    NOT NULL,
    hours     TEXT    NOT NULL DEFAULT '',
    label     TEXT    NOT NULL DEFAULT '',
    CHECK (first_day <= last_day)
);
CREATE INDEX agenda_exceptions_agenda ON agenda_exceptions (agenda_id, last_day);

-- The places taken in a slot, kept in one row so that a booking takes a place with a
-- single conditional update (taken < capacity): concurrent bookings of the last place
-- cannot both succeed. blocked: agents closed the slot.
CREATE TABLE agenda_slots (
    agenda_id INTEGER NOT NULL REFERENCES agendas (id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    taken     INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),
    blocked   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (agenda_id, starts_at)
);

-- One appointment. user_id: the resident's account, when there is one (agents also
-- book for people who phoned or came to the counter, with contact details instead).
-- manage_key: the random key of the mails' links, which manage this appointment without
-- signing in (kept as is, so the reminder mail can carry the same link).
CREATE TABLE appointments (
    id            INTEGER PRIMARY KEY,
    agenda_id     INTEGER NOT NULL REFERENCES agendas (id) ON DELETE CASCADE,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    booked_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    channel       TEXT    NOT NULL CHECK (channel IN ('web', 'counter', 'phone')),
    contact_name  TEXT    NOT NULL DEFAULT '',
    contact_email TEXT    NOT NULL DEFAULT '',
    contact_phone TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL CHECK (status IN ('booked', 'cancelled', 'attended', 'no_show')),
    manage_key    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    reminded_at   INTEGER,
    cancelled_at  INTEGER
);
CREATE UNIQUE INDEX appointments_once ON appointments (agenda_id, starts_at, user_id)
    WHERE status <> 'cancelled';
CREATE INDEX appointments_user ON appointments (user_id, starts_at);
CREATE INDEX appointments_agenda ON appointments (agenda_id, starts_at);
CREATE INDEX appointments_reminders ON appointments (starts_at)
    WHERE status = 'booked' AND reminded_at IS NULL;

-- Residents waiting for a place on a full day, first come first told.
CREATE TABLE appointment_waits (
    id          INTEGER PRIMARY KEY,
    agenda_id   INTEGER NOT NULL REFERENCES agendas (id) ON DELETE CASCADE,
    day         TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    notified_at INTEGER,
    UNIQUE (agenda_id, day, user_id)
);
CREATE INDEX appointment_waits_day ON appointment_waits (agenda_id, day, notified_at, created_at);

-- Public facilities and their opening hours.
CREATE TABLE facilities (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL CHECK (kind IN ('pool', 'library', 'sports', 'cemetery',
                      'town_hall', 'culture', 'park', 'other')),
    name          TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    address       TEXT    NOT NULL DEFAULT '',
    phone         TEXT    NOT NULL DEFAULT '',
    email         TEXT    NOT NULL DEFAULT '',
    accessibility TEXT    NOT NULL DEFAULT '',
    weekly_hours  TEXT    NOT NULL,
    published     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- Exceptional closures and opening hours of a facility.
CREATE TABLE facility_exceptions (
    id          INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    first_day   TEXT    NOT NULL,
    last_day    TEXT    NOT NULL,
    hours       TEXT    NOT NULL DEFAULT '',
    label       TEXT    NOT NULL DEFAULT '',
    CHECK (first_day <= last_day)
);
CREATE INDEX facility_exceptions_facility ON facility_exceptions (facility_id, last_day);

-- A calendar (iCalendar text) sent with a mail as an .ics attachment.
ALTER TABLE mail_outbox ADD COLUMN calendar TEXT;
