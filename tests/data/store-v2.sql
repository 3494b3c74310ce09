-- A history store as the previous release wrote it (schema version 2): the replay scenario
-- of tests/test_replay.py taken in by that release, dumped with sqlite3 .dump.
PRAGMA user_version = 2;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE feed_state (
        feed TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        first_polled_at TEXT,
        last_polled_at TEXT,
        last_error TEXT
    );
INSERT INTO feed_state VALUES('asia-desk',NULL,NULL,'2023-09-01T08:00:00+00:00','2023-09-10T12:00:00+00:00',NULL);
INSERT INTO feed_state VALUES('daily-ledger',NULL,NULL,'2023-09-01T08:00:00+00:00','2023-09-14T12:00:00+00:00',NULL);
INSERT INTO feed_state VALUES('mofa',NULL,NULL,'2023-09-01T08:00:00+00:00','2023-09-10T17:00:00+00:00',NULL);
INSERT INTO feed_state VALUES('morning-post',NULL,NULL,'2023-09-01T08:00:00+00:00','2023-09-13T12:00:00+00:00',NULL);
INSERT INTO feed_state VALUES('region-wire',NULL,NULL,'2023-09-01T08:00:00+00:00','2023-09-12T12:00:00+00:00',NULL);
CREATE TABLE seen_entries (
        feed TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed, entry_id)
    );
INSERT INTO seen_entries VALUES('asia-desk','https://asia-desk.example/ties','2023-09-10T12:00:00+00:00');
INSERT INTO seen_entries VALUES('asia-desk','https://asia-desk.example/upgrade','2023-09-10T12:00:00+00:00');
INSERT INTO seen_entries VALUES('region-wire','https://region-wire.example/hanoi','2023-09-12T12:00:00+00:00');
INSERT INTO seen_entries VALUES('morning-post','https://morning-post.example/jump','2023-09-13T12:00:00+00:00');
INSERT INTO seen_entries VALUES('daily-ledger','https://daily-ledger.example/sign','2023-09-14T12:00:00+00:00');
INSERT INTO seen_entries VALUES('mofa','https://mofa.example/statement','2023-09-10T17:00:00+00:00');
INSERT INTO seen_entries VALUES('region-wire','https://region-wire.example/comment','2023-09-12T12:00:00+00:00');
INSERT INTO seen_entries VALUES('morning-post','https://morning-post.example/history','2023-09-13T12:00:00+00:00');
INSERT INTO seen_entries VALUES('daily-ledger','https://daily-ledger.example/delhi','2023-09-14T12:00:00+00:00');
CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        pair_key TEXT NOT NULL,
        descriptor TEXT NOT NULL,
        canonical TEXT NOT NULL,
        speaker TEXT,
        sentence TEXT NOT NULL,
        feed TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        entry_url TEXT,
        entry_title TEXT NOT NULL,
        published TEXT,
        official INTEGER NOT NULL,
        seen_at TEXT NOT NULL
    );
INSERT INTO mentions VALUES(1,'USA-VNM','comprehensive partnership','comprehensive partnership',NULL,'Vietnam and the United States have a comprehensive partnership, officials said on Friday.','asia-desk','https://asia-desk.example/ties','https://asia-desk.example/ties','ties','2023-09-01T08:00:00+00:00',0,'2023-09-01T08:00:00+00:00');
INSERT INTO mentions VALUES(2,'USA-VNM','comprehensive strategic partnership','comprehensive strategic partnership',NULL,'On Sunday Vietnam and the United States raised relations to a comprehensive strategic partnership during talks in Hanoi.','asia-desk','https://asia-desk.example/upgrade','https://asia-desk.example/upgrade','upgrade','2023-09-10T12:00:00+00:00',0,'2023-09-10T12:00:00+00:00');
INSERT INTO mentions VALUES(3,'USA-VNM','comprehensive strategic partnership','comprehensive strategic partnership',NULL,'The United States and Vietnam agreed on Sunday to form a comprehensive strategic partnership, skipping a step.','region-wire','https://region-wire.example/hanoi','https://region-wire.example/hanoi','hanoi','2023-09-10T12:30:00+00:00',0,'2023-09-10T12:30:00+00:00');
INSERT INTO mentions VALUES(4,'USA-VNM','comprehensive strategic partnership','comprehensive strategic partnership',NULL,'The United States and Vietnam now share a comprehensive strategic partnership, the highest level Hanoi grants.','morning-post','https://morning-post.example/jump','https://morning-post.example/jump','jump','2023-09-10T13:00:00+00:00',0,'2023-09-10T13:00:00+00:00');
INSERT INTO mentions VALUES(5,'USA-VNM','comprehensive strategic partnership','comprehensive strategic partnership',NULL,'Vietnam and the United States signed a joint statement on Sunday that lifts ties to a comprehensive strategic partnership.','daily-ledger','https://daily-ledger.example/sign','https://daily-ledger.example/sign','sign','2023-09-10T13:45:00+00:00',0,'2023-09-10T13:45:00+00:00');
INSERT INTO mentions VALUES(6,'USA-VNM','comprehensive strategic partnership','comprehensive strategic partnership',NULL,'The joint statement of Vietnam and the United States issued today establishes a comprehensive strategic partnership.','mofa','https://mofa.example/statement','https://mofa.example/statement','statement','2023-09-10T17:00:00+00:00',1,'2023-09-10T17:00:00+00:00');
INSERT INTO mentions VALUES(7,'USA-VNM','comprehensive partnership','comprehensive partnership',NULL,'Some commentators on Tuesday still spoke of a comprehensive partnership between the United States and Vietnam.','region-wire','https://region-wire.example/comment','https://region-wire.example/comment','comment','2023-09-12T12:00:00+00:00',0,'2023-09-12T12:00:00+00:00');
INSERT INTO mentions VALUES(8,'CHN-PAK','all-weather strategic cooperative partnership','all weather strategic cooperative partnership',NULL,'Back in 2015 China and Pakistan agreed an all-weather strategic cooperative partnership, a diplomat recalled.','morning-post','https://morning-post.example/history','https://morning-post.example/history','history','2023-09-13T12:00:00+00:00',0,'2023-09-13T12:00:00+00:00');
INSERT INTO mentions VALUES(9,'IND-RUS','special and privileged strategic partnership','special and privileged strategic partnership','RUS','On Thursday Russia''s envoy called relations with India a special and privileged strategic partnership.','daily-ledger','https://daily-ledger.example/delhi','https://daily-ledger.example/delhi','delhi','2023-09-14T12:00:00+00:00',0,'2023-09-14T12:00:00+00:00');
CREATE TABLE pair_state (
        pair_key TEXT PRIMARY KEY,
        descriptor TEXT NOT NULL,
        canonical TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        mention_id INTEGER NOT NULL REFERENCES mentions (id)
    );
INSERT INTO pair_state VALUES('USA-VNM','comprehensive partnership','comprehensive partnership','2023-09-12T12:00:00+00:00','2023-09-12T12:00:00+00:00',7);
INSERT INTO pair_state VALUES('IND-RUS','special and privileged strategic partnership','special and privileged strategic partnership','2023-09-14T12:00:00+00:00','2023-09-14T12:00:00+00:00',9);
CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        pair_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        before TEXT,
        after TEXT NOT NULL,
        quote TEXT NOT NULL,
        speaker TEXT,
        level TEXT NOT NULL,
        detected_at TEXT NOT NULL
    , canonical TEXT, before_canonical TEXT, revision INTEGER NOT NULL DEFAULT 0, updated_at TEXT, before_tier TEXT, after_tier TEXT, tier_arrow TEXT NOT NULL DEFAULT '', span_start INTEGER, span_end INTEGER);
INSERT INTO changes VALUES(1,'USA-VNM','upgrade','comprehensive partnership','comprehensive strategic partnership','On Sunday Vietnam and the United States raised relations to a comprehensive strategic partnership during talks in Hanoi.',NULL,'official','2023-09-10T12:00:00+00:00','comprehensive strategic partnership','comprehensive partnership',4,'2023-09-10T17:00:00+00:00','comprehensive partnership','comprehensive strategic partnership','comprehensive partnership ↑ comprehensive strategic partnership',62,97);
INSERT INTO changes VALUES(2,'IND-RUS','new',NULL,'special and privileged strategic partnership','On Thursday Russia''s envoy called relations with India a special and privileged strategic partnership.','RUS','reported','2023-09-14T12:00:00+00:00','special and privileged strategic partnership',NULL,0,'2023-09-14T12:00:00+00:00',NULL,'special tier','new at special tier',57,101);
CREATE TABLE change_sources (
        change_id INTEGER NOT NULL REFERENCES changes (id),
        feed TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        published TEXT,
        official INTEGER NOT NULL
    );
INSERT INTO change_sources VALUES(1,'asia-desk','https://asia-desk.example/upgrade','upgrade','2023-09-10T12:00:00+00:00',0);
INSERT INTO change_sources VALUES(1,'region-wire','https://region-wire.example/hanoi','hanoi','2023-09-10T12:30:00+00:00',0);
INSERT INTO change_sources VALUES(1,'morning-post','https://morning-post.example/jump','jump','2023-09-10T13:00:00+00:00',0);
INSERT INTO change_sources VALUES(1,'daily-ledger','https://daily-ledger.example/sign','sign','2023-09-10T13:45:00+00:00',0);
INSERT INTO change_sources VALUES(1,'mofa','https://mofa.example/statement','statement','2023-09-10T17:00:00+00:00',1);
INSERT INTO change_sources VALUES(2,'daily-ledger','https://daily-ledger.example/delhi','delhi','2023-09-14T12:00:00+00:00',0);
CREATE TABLE speaker_state (
        pair_key TEXT NOT NULL,
        speaker TEXT NOT NULL,
        descriptor TEXT NOT NULL,
        canonical TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (pair_key, speaker)
    );
INSERT INTO speaker_state VALUES('IND-RUS','RUS','special and privileged strategic partnership','special and privileged strategic partnership','2023-09-14T12:00:00+00:00','2023-09-14T12:00:00+00:00');
CREATE TABLE pair_descriptors (
        pair_key TEXT NOT NULL,
        canonical TEXT NOT NULL,
        descriptor TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (pair_key, canonical)
    );
INSERT INTO pair_descriptors VALUES('USA-VNM','comprehensive partnership','comprehensive partnership','2023-09-01T08:00:00+00:00','2023-09-12T12:00:00+00:00');
INSERT INTO pair_descriptors VALUES('USA-VNM','comprehensive strategic partnership','comprehensive strategic partnership','2023-09-10T12:00:00+00:00','2023-09-10T17:00:00+00:00');
INSERT INTO pair_descriptors VALUES('IND-RUS','special and privileged strategic partnership','special and privileged strategic partnership','2023-09-14T12:00:00+00:00','2023-09-14T12:00:00+00:00');
CREATE TABLE pair_decisions (
        pair_key TEXT PRIMARY KEY,
        decided_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        change_id INTEGER REFERENCES changes (id)
    );
INSERT INTO pair_decisions VALUES('USA-VNM','2023-09-12T12:00:00+00:00','flip-flop','flip-flop: “comprehensive partnership” was used for this pair on 2023-09-01',NULL);
INSERT INTO pair_decisions VALUES('CHN-PAK','2023-09-13T12:00:00+00:00','backdated','backdated: the sentence is about 2015',NULL);
INSERT INTO pair_decisions VALUES('IND-RUS','2023-09-14T12:00:00+00:00','alerted','first descriptor',2);
CREATE INDEX mentions_by_pair ON mentions (pair_key, seen_at);
CREATE INDEX changes_by_pair ON changes (pair_key, detected_at);
COMMIT;
