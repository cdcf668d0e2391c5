-- An agency's compliance list finds each member of staff's certificates and their sessions:
-- with the session in the index, a large agency's (2,500 staff) is read from the index alone.
CREATE INDEX certificates_held ON certificates (person_id) INCLUDE (session_id, partnership_id);
DROP INDEX certificates_person;
