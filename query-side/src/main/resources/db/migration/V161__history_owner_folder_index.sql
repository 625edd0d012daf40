-- An asOf listing of one folder reads only that owner's rows in that folder (and below it: LIKE 'folder/%' is an
-- index range with text_pattern_ops), instead of every state row the owner ever had (bench/history: 85 ms to
-- 0.3 ms for a folder of 45 files among 10,000, and it grows with the owner's file count without the index).
CREATE INDEX history_file_state_owner_folder ON history_file_state (owner_id, folder text_pattern_ops);
