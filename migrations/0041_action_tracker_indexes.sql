-- The action tracker's first view is the overdue actions: work still to do, due before today,
-- in due-date order. Through actions_due that is every action of the partnership due before
-- today, the signed-off ones included, read to find the few still open: on the large
-- partnership 976 rows for 149, and more each year as actions are signed off and stay. This
-- index holds only the unfinished ones, in due-date order, so the page and its count read
-- those alone. A query uses it when it names the same statuses as a literal list, as
-- actionColumns' overdue does.
CREATE INDEX actions_open_due ON actions (partnership_id, due_on, id)
  WHERE status IN ('not_started', 'on_track', 'at_risk');
