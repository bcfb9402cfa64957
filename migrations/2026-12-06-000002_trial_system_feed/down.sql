DROP TABLE trial_system_feed;
