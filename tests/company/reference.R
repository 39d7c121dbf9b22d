options(digits = 15)
r1 <- read.csv("/tmp/cs_r1.csv", stringsAsFactors = FALSE)
r2 <- read.csv("/tmp/cs_r2.csv", stringsAsFactors = FALSE)
a <- r1[r1$responded == 1, ]
ci <- function(x) { t <- t.test(x); c(mean(x), sd(x), t$conf.int) }
cat("total", ci(a$total), "\n")
for (s in c("vision","agency","learning","connection")) cat(s, ci(a[[s]]), "\n")
for (g in c("30-34","45-49")) for (h in c("3-5","11-20")) cat("cell", g, h, mean(a$total[a$age==g & a$tenure==h]), "\n")
for (g in c("30-34","45-49")) cat("row", g, mean(a$total[a$age==g]), "\n")
for (h in c("3-5","11-20")) cat("col", h, mean(a$total[a$tenure==h]), "\n")
e <- a[!is.na(a$engagement), ]
# the engagement the results use: the company's scores coarsened into groups of K respondents
e$engagement <- e$engagement_group
ct <- function(y) { p <- cor.test(e$engagement, y); s <- cor.test(e$engagement, y, method = "spearman", exact = FALSE); c(p$estimate, p$conf.int, p$p.value, s$estimate, s$p.value) }
cat("eng total", ct(e$total), "\n")
for (s in c("vision","agency","learning","connection")) cat("eng", s, ct(e[[s]]), "\n")
items <- c("vision_1","vision_2","vision_3","agency_1","agency_2","agency_3","learning_1","learning_2","learning_3","connection_1","connection_2","connection_3")
for (i in items) cat("item", i, cor(e$engagement, e[[i]]), cor.test(e$engagement, e[[i]])$p.value, "\n")
cat("lm", coef(lm(total ~ engagement, data = e)), "\n")
b <- r2[r2$responded == 1, ]
cat("round2", ci(b$total), "\n")
e2 <- b[!is.na(b$engagement), ]
e2$engagement <- e2$engagement_group
cat("eng2 n", nrow(e2), cor(e2$engagement, e2$total), "\n")
w <- t.test(b$total, a$total)
n1 <- nrow(a); n2 <- nrow(b); df <- n1 + n2 - 2
sp <- sqrt(((n1-1)*var(a$total) + (n2-1)*var(b$total))/df)
J <- exp(lgamma(df/2) - log(sqrt(df/2)) - lgamma((df-1)/2))
cat("welch", mean(b$total) - mean(a$total), w$statistic, w$parameter, w$p.value, w$conf.int, (mean(b$total)-mean(a$total))/sp*J, "\n")
m <- merge(a, b, by = "ref")
pt <- t.test(m$total.y, m$total.x, paired = TRUE)
d <- m$total.y - m$total.x
cat("panel", nrow(m), mean(d), sd(d), pt$statistic, pt$parameter, pt$p.value, pt$conf.int, mean(d)/sd(d), "\n")
cat("fav", mean(a$total >= 4), mean(b$total >= 4), "\n")
