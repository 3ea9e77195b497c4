"""The clerical review page (`linkages review serve`): designated reviewers work the
month's review queue in the browser; decisions go to reviews/decisions.csv."""
