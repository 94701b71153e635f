"""需求撮合: solutions, needs, stored rankings, proposals, deals, reviews, complaints, trust scores, supply gaps."""
